// Journey: an administrator tunes the security policy (a bad value is refused
// beside its field, a Chinese issuer name is kept) and reads the sign-in log,
// where a failed sign-in shows up with its reason.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, reloadHydrated, requireEnv, signIn, submitSignIn,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');

describe('security settings and the sign-in log', { timeout: 120_000 }, () => {
  let page;

  before(async () => {
    page = await newPage();
    allowHttpError(page, '/rpc/save_security_settings', 400);
    allowHttpError(page, '/rpc/login', 401);
    // A failed sign-in for the log to show.
    await gotoHydrated(page, '/login');
    await submitSignIn(page, admin, 'not the password');
    await page.locator('.banner-error').waitFor();
    await signIn(page, admin, adminPassword);
  });
  after(closeBrowser);

  it('refuses a drift window outside 0-2 beside the field', async () => {
    await gotoHydrated(page, '/admin/security');
    await page.locator('#set-window').fill('5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#set-window-error').filter({ hasText: /0 to 2/ }).waitFor();
    assert.equal(await page.locator('.banner-success').count(), 0);
  });

  it('keeps a Chinese issuer name', async () => {
    await page.locator('#set-window').fill('1');
    await page.locator('#set-issuer').fill('堡垒机');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.banner-success').waitFor();
    await reloadHydrated(page);
    assert.equal(await page.locator('#set-issuer').inputValue(), '堡垒机');
  });

  it('lists the failed sign-in in the log', async () => {
    await gotoHydrated(page, '/admin/auth-log');
    const failed = page.locator('[data-testid="auth-log"] tbody tr', { hasText: 'bad_credentials' }).filter({ hasText: admin });
    await failed.first().waitFor();
    assert.ok((await failed.count()) >= 1);
  });

  it('saw no console or page errors', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
