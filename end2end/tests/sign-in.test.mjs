// Journey: a protected page sends a stranger to sign in; a wrong password is
// refused in place; the right one lands on the page asked for; signing out
// closes the session for real.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowHttpError, browserErrors, closeBrowser, currentPath, factValue,
  newPage, requireEnv, submitSignIn, waitForHydration, waitForPage, BASE_URL, WAIT_MS,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_USER');
const password = requireEnv('E2E_PASSWORD');

/** Opens /profile without a session and expects the sign-in page instead. */
async function visitProfileSignedOut(page) {
  await page.goto(`${BASE_URL}/profile`);
  await page.waitForURL((url) => url.pathname === '/login', { timeout: WAIT_MS });
  await waitForHydration(page);
  assert.equal(currentPath(page), '/login?next=%2Fprofile');
}

describe('signing in and out', { timeout: 120_000 }, () => {
  let page;
  before(async () => {
    page = await newPage();
  });
  after(closeBrowser);

  it('sends a visitor of /profile to the sign-in page, remembering where they were going', async () => {
    await visitProfileSignedOut(page);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  });

  it('refuses a wrong password with a message and stays on the sign-in page', async () => {
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/rpc/login');
    await submitSignIn(page, username, `${password}-wrong`);
    const response = await answer;
    assert.ok(response.status() >= 400 && response.status() < 500, `a wrong password answered ${response.status()}`);
    allowHttpError(page, '/rpc/login', response.status());

    const message = page.locator('.auth-card .banner-error');
    await message.waitFor({ state: 'visible' });
    assert.notEqual((await message.textContent()).trim(), '', 'the error banner has no text');
    assert.equal(currentPath(page), '/login?next=%2Fprofile');
    assert.equal(await page.locator('#login-username').inputValue(), username, 'the username was kept for the retry');
  });

  it('lets the right password through to /profile, showing whose account it is', async () => {
    await submitSignIn(page, username, password);
    await waitForPage(page, '/profile');
    const facts = page.locator('[data-testid="account-facts"]');
    await facts.waitFor({ state: 'visible' });
    assert.equal((await factValue(facts, 'Username').textContent()).trim(), username);
  });

  it('signs out from the user menu, back to the sign-in page', async () => {
    const menuButton = page.locator('.user-menu-button');
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
    await menuButton.click();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPage(page, '/login');
  });

  it('asks for a password again on /profile once signed out', async () => {
    await visitProfileSignedOut(page);
    assert.equal(await page.locator('[data-testid="account-facts"]').count(), 0);
  });

  it('saw no console or page errors along the way', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
