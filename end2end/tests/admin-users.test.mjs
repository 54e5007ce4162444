// Journey: an administrator creates an account, finds it and deactivates it
// after confirming; a person who is not an administrator is refused the page.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');
const username = requireEnv('E2E_USER');
const password = requireEnv('E2E_PASSWORD');

// Unique per run, so the journey can run again against the same database.
const suffix = randomBytes(4).toString('hex');
const newUser = {
  username: `e2e-${suffix}`,
  name: `Journey Tester ${suffix}`,
  email: `e2e-${suffix}@example.com`,
  password: `correct-horse-${randomBytes(6).toString('hex')}`,
};

describe('administering users', { timeout: 180_000 }, () => {
  let page;
  const table = () => page.locator('[data-testid="users-table"]');
  const row = () => table().locator('tbody tr', { hasText: newUser.username });

  before(async () => {
    page = await newPage();
    await signIn(page, admin, adminPassword);
  });
  after(closeBrowser);

  it('shows administrators the Users page from the sidebar', async () => {
    await page.locator('#sidebar').getByRole('link', { name: 'Users', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users');
    await table().waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Users');
  });

  it('creates a user through the New user form', async () => {
    await page.getByRole('button', { name: 'New user', exact: true }).click();
    const form = page.locator('section', { has: page.getByRole('heading', { name: 'New user', exact: true }) });
    await form.waitFor({ state: 'visible' });
    await page.locator('#user-username').fill(newUser.username);
    await page.locator('#user-name').fill(newUser.name);
    await page.locator('#user-email').fill(newUser.email);
    await page.locator('#user-role').selectOption('user');
    await page.locator('#user-password').fill(newUser.password);
    await form.getByRole('button', { name: 'Create user', exact: true }).click();
    // The panel closes only when the server accepted the account.
    await form.waitFor({ state: 'detached' });
  });

  it('finds the new user by searching for its username', async () => {
    await page.locator('#user-search').fill(newUser.username);
    await page.getByRole('search').getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('.pager', { hasText: '1-1 of 1' }).waitFor({ state: 'visible' });
    assert.equal(await table().locator('tbody tr').count(), 1);
    const cells = await row().locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 5).map((c) => c.trim()), [newUser.username, newUser.name, newUser.email, 'User', 'Active']);
  });

  it('deactivates the user after a confirmation that starts on Cancel', async () => {
    await page.getByRole('button', { name: `Deactivate ${newUser.username}`, exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: `Deactivate ${newUser.username}?` });
    await dialog.waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Cancel');
    await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    await row().locator('.pill', { hasText: 'Disabled' }).waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('button', { name: `Activate ${newUser.username}`, exact: true }).count(), 1);
  });

  it('saw no console or page errors as an administrator', () => {
    assert.deepEqual(browserErrors(page), []);
  });

  it('refuses the page to a user who is not an administrator', async () => {
    const userPage = await newPage();
    await signIn(userPage, username, password);
    assert.equal(await userPage.locator('#sidebar').getByRole('link', { name: 'Users', exact: true }).count(), 0);

    const response = await gotoHydrated(userPage, '/admin/users');
    assert.equal(response.status(), 403, 'the page itself answers 403');
    allowHttpError(userPage, '/admin/users', 403);
    assert.equal(await userPage.getByRole('heading', { level: 1 }).textContent(), 'Forbidden');
    assert.equal(await userPage.locator('[data-testid="users-table"]').count(), 0);
    assert.deepEqual(browserErrors(userPage), []);
  });
});
