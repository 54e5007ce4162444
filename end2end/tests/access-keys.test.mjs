// Journey: a person creates an API access key, sees its secret exactly
// once (the dialog survives a stray click beside it), signs a request with
// it, narrows its IP allowlist, disables it and deletes it.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL, allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_API_USER');
const password = requireEnv('E2E_PASSWORD');

/** GET `path` signed with the key the way JumpServer's clients sign (HTTP Signature, hmac-sha256). */
async function signedGet(path, id, secret) {
  const date = new Date().toUTCString();
  const text = `(request-target): get ${path}\naccept: application/json\ndate: ${date}`;
  const signature = createHmac('sha256', secret).update(text).digest('base64');
  return fetch(BASE_URL + path, {
    headers: {
      Accept: 'application/json',
      Date: date,
      Authorization: `Signature keyId="${id}",algorithm="hmac-sha256",headers="(request-target) accept date",signature="${signature}"`,
    },
  });
}

describe('API access keys', { timeout: 120_000 }, () => {
  let page;
  let id;
  let secret;
  const table = () => page.locator('[data-testid="access-keys-table"]');
  const row = () => table().locator('tr', { has: page.locator('code', { hasText: id }) });

  before(async () => {
    page = await newPage();
    await signIn(page, username, password);
    await gotoHydrated(page, '/profile/access-keys');
  });
  after(closeBrowser);

  it('starts with no keys', async () => {
    await page.locator('[data-testid="no-access-keys"]').waitFor();
  });

  it('shows a new key\'s secret once, in a dialog a stray click does not close', async () => {
    await page.getByRole('button', { name: 'Create access key', exact: true }).click();
    const dialog = page.locator('[data-testid="secret-dialog"]');
    await dialog.waitFor();
    id = (await dialog.locator('[data-testid="new-key-id"]').textContent()).trim();
    secret = (await dialog.locator('[data-testid="new-key-secret"]').textContent()).trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(secret.length, 36);
    assert.match(await dialog.textContent(), /shown only this once/);
    assert.ok(await dialog.getByRole('button', { name: 'Copy secret' }).isVisible());
    await page.mouse.click(5, 5);
    assert.ok(await dialog.isVisible(), 'a click beside the dialog leaves it open');
    // Tab cycles through the dialog's own controls and never leaves it.
    await dialog.getByRole('button', { name: 'I have saved the secret' }).focus();
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      assert.ok(await dialog.evaluate((el) => el.contains(document.activeElement)), `focus left the dialog after ${i + 1} Tab(s)`);
    }
    await page.keyboard.press('Shift+Tab');
    assert.ok(await dialog.evaluate((el) => el.contains(document.activeElement)));
    await dialog.getByRole('button', { name: 'I have saved the secret' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('lists the key with its secret masked', async () => {
    await row().waitFor();
    assert.match(await row().textContent(), /••••••••/);
    assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere on the page any more');
  });

  it('signs a request with the key and is the key\'s owner', async () => {
    const res = await signedGet('/api/v1/users/profile/', id, secret);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).username, username);
  });

  it('refuses a bad allowlist entry beside the field, then saves a good list', async () => {
    await row().getByRole('button', { name: 'Allowlist', exact: true }).click();
    const field = page.locator('#allow-text');
    await field.fill('300.1.1.1');
    await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#allow-error').filter({ hasText: '300.1.1.1' }).waitFor();
    await field.fill('127.0.0.1\n10.0.0.0/8');
    await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await row().filter({ hasText: '127.0.0.1, 10.0.0.0/8' }).waitFor();
  });

  it('disables the key, and a signed request is refused', async () => {
    await row().getByRole('button', { name: 'Disable', exact: true }).click();
    await row().locator('.pill', { hasText: 'Disabled' }).waitFor();
    const res = await signedGet('/api/v1/users/profile/', id, secret);
    assert.equal(res.status, 401);
  });

  it('deletes the key after asking', async () => {
    await row().getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete key', exact: true }).click();
    await page.locator('[data-testid="no-access-keys"]').waitFor();
  });

  it('saw no console or page errors along the way', () => {
    allowHttpError(page, '/rpc/update_access_key', 400);
    assert.deepEqual(browserErrors(page), []);
  });
});
