// Journey: bind an authenticator app (the test reads the secret off the page
// and computes codes itself), save the recovery codes, sign out, sign in with
// a fresh code, see a replayed code refused, sign in with a recovery code
// (which then no longer works), and remove the authenticator with a code.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn, submitSignIn, waitForPage,
} from '../lib/browser.mjs';
import { stepAt, totpAt, waitForStep } from '../lib/totp.mjs';

const username = requireEnv('E2E_MFA_USER');
const password = requireEnv('E2E_PASSWORD');

describe('an authenticator app as second factor', { timeout: 180_000 }, () => {
  let page;
  let secret;
  let bindStep;
  let recoveryCodes;

  before(async () => {
    page = await newPage();
    allowHttpError(page, '/rpc/pass_mfa_step', 401);
    allowHttpError(page, '/rpc/confirm_totp_binding', 400);
  });
  after(closeBrowser);

  async function signOut() {
    await page.locator('.user-menu-button').click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPage(page, '/login');
  }

  async function toMfaStep() {
    await gotoHydrated(page, '/login');
    await submitSignIn(page, username, password);
    await waitForPage(page, '/mfa');
  }

  async function submitCode(code, kind) {
    if (kind) await page.getByLabel(kind, { exact: true }).check();
    await page.locator('#mfa-code').fill(code);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
  }

  it('binds from the profile with a QR code and a first code', async () => {
    await signIn(page, username, password);
    assert.equal((await page.locator('[data-testid="otp-state"]').textContent()).trim(), 'Not bound');
    await page.getByRole('link', { name: 'Set up authenticator app' }).click();
    await waitForPage(page, '/otp/bind');
    const secretEl = page.locator('[data-testid="totp-secret"]');
    await secretEl.waitFor();
    secret = await secretEl.getAttribute('data-secret');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is on the page');

    await page.locator('#totp-code').fill('000000');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#totp-code-error').filter({ hasText: /\S/ }).waitFor();

    bindStep = stepAt();
    await page.locator('#totp-code').fill(totpAt(secret, bindStep));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const codes = page.locator('[data-testid="recovery-codes"] code');
    await codes.first().waitFor();
    recoveryCodes = await codes.allTextContents();
    assert.equal(recoveryCodes.length, 10);
    assert.equal(await page.getByRole('link', { name: 'Download' }).getAttribute('download'), 'bastion-profile-recovery-codes.txt');
  });

  it('finishes only once the codes are saved', async () => {
    const finish = page.locator('#finish-binding');
    assert.equal(await finish.isDisabled(), true);
    await page.locator('#codes-saved').check();
    await finish.click();
    await waitForPage(page, '/profile');
    assert.equal((await page.locator('[data-testid="otp-state"]').textContent()).trim(), 'Bound');
    assert.equal((await page.locator('[data-testid="recovery-left"]').textContent()).trim(), '10 of 10 left');
  });

  it('asks for a code at sign-in, refuses a replayed one, accepts a fresh one', async () => {
    await signOut();
    await toMfaStep();
    await submitCode(totpAt(secret, bindStep));
    await page.locator('#mfa-code-error').filter({ hasText: /not correct/ }).waitFor();
    // The next step's code is inside the accepted window already.
    await submitCode(totpAt(secret, bindStep + 1));
    await waitForPage(page, '/profile');
  });

  it('takes a recovery code once', async () => {
    await signOut();
    await toMfaStep();
    await submitCode(recoveryCodes[0], 'Recovery code');
    await waitForPage(page, '/profile');
    assert.equal((await page.locator('[data-testid="recovery-left"]').textContent()).trim(), '9 of 10 left');
    await signOut();
    await toMfaStep();
    await submitCode(recoveryCodes[0], 'Recovery code');
    await page.locator('#mfa-code-error').filter({ hasText: /not correct/ }).waitFor();
    await submitCode(recoveryCodes[1], 'Recovery code');
    await waitForPage(page, '/profile');
  });

  it('removes the authenticator with a current code', async () => {
    await page.getByRole('button', { name: 'Remove authenticator' }).click();
    await waitForStep(bindStep + 1);
    await page.locator('#remove-otp-code').fill(totpAt(secret, bindStep + 2));
    await page.getByRole('alertdialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await page.locator('[data-testid="otp-state"]', { hasText: 'Not bound' }).waitFor();
  });

  it('saw no console or page errors along the way', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
