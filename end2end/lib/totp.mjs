// TOTP (RFC 6238, SHA-1, 6 digits, 30 s) written against node:crypto, so the
// journeys check the server with an implementation that is not its own.

import { createHmac } from 'node:crypto';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base32: ${ch}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The 30-second step at `ms` (default: now). */
export function stepAt(ms = Date.now()) {
  return Math.floor(ms / 1000 / 30);
}

/** The code for `step`. */
export function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Waits until the current step is at least `step`. */
export async function waitForStep(step) {
  while (stepAt() < step) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
