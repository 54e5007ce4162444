// Journey: a person changes their password and manages their SSH keys.
// A weak password is stopped with the meter saying why; a good one is
// accepted and signs out their other browser; going back to the old one is
// refused by the server's history rule. Then a pasted public key is added,
// a pair is generated and its private key arrives as a download, and a key
// is disabled and deleted.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn, waitForPage,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_KEYS_USER');
const password = requireEnv('E2E_PASSWORD');
const newPassword = `${password} renewed`;

// A public key made with ssh-keygen, and the fingerprint `ssh-keygen -l` printed for it.
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEYKQ+D+q9/Vu23UTCeQLzsoWK1+fHTLIfGDrbhL4Yms alice@laptop';
const FINGERPRINT = 'SHA256:QC+O9FzGigLgDh5otH8rrstn3BFfrb3A8/H8/KdT2p4';

describe('password and SSH keys', { timeout: 180_000 }, () => {
  let page;
  let elsewhere;
  const newField = () => page.locator('#pw-new');
  const meter = () => page.locator('[data-testid="strength"]');
  const submitPassword = () => page.getByRole('button', { name: 'Change password', exact: true });
  const fillPasswords = async (current, next) => {
    await page.locator('#pw-old').fill(current);
    await newField().fill(next);
    await page.locator('#pw-again').fill(next);
  };
  const keyRow = (name) => page.locator('[data-testid="ssh-keys-table"] tr', { has: page.locator('strong', { hasText: name }) });

  before(async () => {
    page = await newPage();
    elsewhere = await newPage();
    await signIn(page, username, password);
    await signIn(elsewhere, username, password);
    await gotoHydrated(page, '/profile/password');
  });
  after(closeBrowser);

  it('shows the strength of a weak password as it is typed, and why it is weak', async () => {
    await newField().pressSequentially('password123');
    // The estimator loads with the first keystroke; wait for the whole word's verdict.
    await page.locator('[data-rule="common"][data-state="unmet"]').waitFor();
    await meter().filter({ hasText: 'Strength: Very weak' }).waitFor();
    assert.ok(Number(await meter().getAttribute('data-score')) <= 1);
    assert.match(await meter().textContent(), /common|top|guess/i, 'the meter says what is wrong');
  });

  it('refuses the weak password beside the field, before anything is sent', async () => {
    await fillPasswords(password, 'password123');
    await submitPassword().click();
    const error = page.locator('#pw-new-error');
    await error.filter({ hasText: /\S/ }).waitFor();
    assert.match(await error.textContent(), /well-known|at least 15 characters/);
    assert.equal(await newField().getAttribute('aria-invalid'), 'true');
  });

  it('accepts a good password and marks every rule as met', async () => {
    await fillPasswords(password, newPassword);
    for (const rule of await page.locator('[data-testid="password-rules"] li').all()) {
      assert.equal(await rule.getAttribute('data-state'), 'met', await rule.textContent());
    }
    await submitPassword().click();
    await page.locator('.banner-success', { hasText: 'Password changed.' }).waitFor();
    assert.equal(await newField().inputValue(), '', 'the fields are cleared');
  });

  it('signed out the other browser, and this one stays signed in', async () => {
    await elsewhere.goto('/profile');
    await waitForPage(elsewhere, '/login');
    await gotoHydrated(page, '/profile/password');
    assert.equal(new URL(page.url()).pathname, '/profile/password');
  });

  it('refuses going back to the previous password, with the server saying why', async () => {
    allowHttpError(page, '/rpc/change_password', 400);
    await fillPasswords(newPassword, password);
    await submitPassword().click();
    const error = page.locator('#pw-new-error');
    await error.filter({ hasText: 'recently' }).waitFor();
  });

  it('adds a pasted public key and shows its OpenSSH fingerprint', async () => {
    await gotoHydrated(page, '/profile/ssh-keys');
    await page.locator('#key-text').fill(PUBLIC_KEY);
    await page.locator('#key-name').fill('laptop');
    await page.getByRole('button', { name: 'Add key', exact: true }).click();
    await keyRow('laptop').waitFor();
    await page.waitForFunction(() => document.querySelector('#key-text').value === '');
    assert.equal((await keyRow('laptop').locator('[data-testid="fingerprint"]').textContent()).trim(), FINGERPRINT);
    assert.match(await keyRow('laptop').textContent(), /ED25519 256/);
  });

  it('refuses a pasted private key beside the field', async () => {
    allowHttpError(page, '/rpc/create_ssh_key', 400);
    await page.locator('#key-text').fill('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----');
    await page.getByRole('button', { name: 'Add key', exact: true }).click();
    await page.locator('#key-text-error').filter({ hasText: 'private key' }).waitFor();
  });

  it('generates a pair and hands over the private key once, as a download', async () => {
    await page.locator('#gen-name').fill('generated');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Generate and download', exact: true }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^id_ed25519_generated$/);
    const text = await readFile(await download.path(), 'utf8');
    assert.match(text, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    await page.locator('.banner-warning', { hasText: 'cannot be downloaded again' }).waitFor();
    await keyRow('generated').waitFor();
  });

  it('downloads the public half of a key as an authorized_keys line', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      keyRow('generated').getByRole('button', { name: /Download the public key/ }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'id_ed25519_generated.pub');
    const line = await readFile(await download.path(), 'utf8');
    assert.match(line, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ \S+@bastion\n$/);
  });

  it('disables a key', async () => {
    await keyRow('laptop').getByRole('button', { name: 'Disable', exact: true }).click();
    await keyRow('laptop').locator('.pill', { hasText: 'Disabled' }).waitFor();
  });

  it('deletes a key after asking', async () => {
    await keyRow('laptop').getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /stops working/);
    await dialog.getByRole('button', { name: 'Delete key', exact: true }).click();
    await keyRow('laptop').waitFor({ state: 'detached' });
    assert.equal(await keyRow('generated').count(), 1, 'the other key stays');
  });

  it('saw no console or page errors along the way', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
