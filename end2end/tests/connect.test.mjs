// Journey: an administrator adds an asset that speaks SSH, an account on it
// and a permission for one person; that person finds the asset under My
// assets, connects with the SSH client method, sees the command and the
// password, then expires the token on the Connection tokens page.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');
const username = requireEnv('E2E_CONNECT_USER');
const password = requireEnv('E2E_PASSWORD');

// Unique per run, so the journey can run again against the same database.
const suffix = randomBytes(4).toString('hex');
const asset = { name: `e2e-host-${suffix}`, address: '10.0.0.5' };
const account = { name: `root-${suffix}`, username: 'root', secret: `s3cret-${randomBytes(6).toString('hex')}` };
const permission = `e2e-perm-${suffix}`;

describe('connection tokens', { timeout: 240_000 }, () => {
  let adminPage;
  let page;

  before(async () => {
    adminPage = await newPage();
    await signIn(adminPage, admin, adminPassword);
    page = await newPage();
    await signIn(page, username, password);
  });
  after(closeBrowser);

  it('lets the administrator create an asset that speaks SSH on port 22', async () => {
    await adminPage.locator('#sidebar').getByRole('link', { name: 'Assets and permissions', exact: true }).click();
    await adminPage.waitForURL((url) => url.pathname === '/admin/assets');
    await adminPage.getByRole('button', { name: 'New asset', exact: true }).click();
    const form = adminPage.locator('[data-testid="asset-form"]');
    await form.waitFor();
    await adminPage.locator('#asset-name').fill(asset.name);
    await adminPage.locator('#asset-address').fill(asset.address);
    await adminPage.locator('#asset-platform').selectOption('Linux');
    assert.equal(await adminPage.locator('#asset-proto-0').inputValue(), 'ssh');
    assert.equal(await adminPage.locator('#asset-port-0').inputValue(), '22');
    await form.getByRole('button', { name: 'Create asset', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    const row = adminPage.locator('[data-testid="admin-asset-row"]', { hasText: asset.name });
    await row.waitFor();
    assert.match(await row.textContent(), /ssh\/22/);
  });

  it('adds an account on the asset, whose password is never shown', async () => {
    await adminPage.getByRole('button', { name: `Accounts on ${asset.name}`, exact: true }).click();
    const panel = adminPage.locator('[data-testid="accounts-panel"]');
    await panel.waitFor();
    await panel.getByRole('button', { name: 'New account', exact: true }).click();
    await adminPage.locator('#account-name').fill(account.name);
    await adminPage.locator('#account-username').fill(account.username);
    await adminPage.locator('#account-secret').fill(account.secret);
    await panel.getByRole('button', { name: 'Create account', exact: true }).click();
    await panel.locator('[data-testid="account-form"]').waitFor({ state: 'detached' });
    const row = panel.locator('[data-testid="account-row"]', { hasText: account.name });
    await row.waitFor();
    assert.match(await row.textContent(), /Set/);
    assert.ok(!(await adminPage.content()).includes(account.secret), 'the stored password is nowhere on the page');
  });

  it('grants the asset and the account to the person with a permission', async () => {
    await adminPage.getByRole('tab', { name: 'Permissions', exact: true }).click();
    await adminPage.getByRole('button', { name: 'New permission', exact: true }).click();
    const form = adminPage.locator('[data-testid="permission-form"]');
    await form.waitFor();
    await adminPage.locator('#perm-name').fill(permission);
    await form.getByRole('group', { name: 'Users', exact: true }).getByRole('checkbox', { name: username }).first().check();
    await form.getByRole('group', { name: 'Assets', exact: true })
      .getByRole('checkbox', { name: `${asset.name} (${asset.address})`, exact: true }).check();
    await form.getByLabel('All accounts (@ALL)', { exact: true }).uncheck();
    await adminPage.locator('#perm-account-names').fill(account.name);
    await form.getByRole('button', { name: 'Create permission', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    const row = adminPage.locator('[data-testid="permission-row"]', { hasText: permission });
    await row.waitFor();
    const text = await row.textContent();
    assert.ok(text.includes(username) && text.includes(asset.name) && text.includes(account.name), text);
  });

  it('shows the person the asset under My assets, found by a search', async () => {
    await gotoHydrated(page, '/profile/assets');
    await page.locator('#asset-search').fill(asset.name);
    // The list follows the search box once typing pauses.
    const rows = page.locator('[data-testid="asset-row"]');
    await page.waitForFunction(
      (name) => {
        const all = [...document.querySelectorAll('[data-testid="asset-row"]')];
        return all.length === 1 && all[0].textContent.includes(name);
      },
      asset.name,
    );
    assert.match(await rows.first().textContent(), /ssh/);
  });

  let command;
  it('connects with the SSH client method and sees the command and a password', async () => {
    await page.getByRole('button', { name: `Connect to ${asset.name}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Connect to ${asset.name}` });
    await dialog.waitFor();
    await dialog.locator('#connect-account').selectOption({ label: `${account.name} (${account.username})` });
    await dialog.locator('#connect-protocol').selectOption('ssh');
    await dialog.getByRole('radio', { name: 'SSH client', exact: true }).check();
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    const result = dialog.locator('[data-testid="connect-result"]');
    await result.waitFor();
    command = (await result.locator('[data-testid="connect-command"]').textContent()).trim();
    assert.match(command, /^ssh JMS-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@\S+ -p 2222$/);
    const secret = (await result.locator('[data-testid="connect-password"]').textContent()).trim();
    assert.ok(secret.length >= 16, `a token value of ${secret.length} characters`);
    assert.match(await result.locator('[data-testid="connect-expires"]').textContent(), /Expires in [0-4]:\d\d/);
    assert.match(await result.textContent(), /shown only this once/);
    assert.match(await result.getByRole('link', { name: 'Open in the JumpServer client' }).getAttribute('href'), /^jms:\/\//);
    await dialog.getByRole('button', { name: 'Done', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('lists the token with a countdown and expires it after asking', async () => {
    await page.locator('#sidebar').getByRole('link', { name: 'Connection tokens', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/profile/tokens');
    const tokenId = /JMS-([0-9a-f-]{36})@/.exec(command)[1];
    const row = page.locator(`[data-testid="token-row"][data-token-id="${tokenId}"]`);
    await row.waitFor();
    // JumpServer shows an asset as "name(address)".
    assert.match(await row.locator('[data-testid="token-asset"]').textContent(), new RegExp(`^\\s*${asset.name}`));
    assert.equal((await row.locator('[data-testid="token-protocol"]').textContent()).trim(), 'ssh');
    assert.equal((await row.locator('[data-testid="token-method"]').textContent()).trim(), 'SSH client');
    const expires = row.locator('[data-testid="token-expires"]');
    const first = (await expires.textContent()).trim();
    assert.match(first, /^[0-4]:\d\d$/);
    // It counts down while the page is open.
    await page.waitForFunction(
      ([id, before]) => {
        const cell = document.querySelector(`[data-testid="token-row"][data-token-id="${id}"] [data-testid="token-expires"]`);
        return cell && cell.textContent.trim() !== before;
      },
      [tokenId, first],
    );

    await row.getByRole('button', { name: 'Expire', exact: false }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Expire this connection token?' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Cancel');
    await dialog.getByRole('button', { name: 'Expire', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
  });

  it('saw no console or page errors along the way', () => {
    assert.deepEqual(browserErrors(adminPage), []);
    assert.deepEqual(browserErrors(page), []);
  });
});
