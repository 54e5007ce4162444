// Journey: every page, in the light and the dark theme, checked with
// axe-core (WCAG 2.1 A and AA rules, contrast included): no serious or
// critical violation. The theme is set the way a returning visitor has it,
// by its cookie, so the server renders it from the first byte.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, axeViolations as violations, closeBrowser, gotoHydrated, newPage, requireEnv, signIn,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');

const SIGNED_IN_PAGES = [
  '/profile', '/profile/password', '/profile/ssh-keys', '/profile/access-keys', '/profile/messages',
  '/profile/preferences', '/profile/sessions', '/profile/assets', '/profile/tokens', '/otp/bind', '/admin/assets', '/admin/users', '/admin/auth-log', '/admin/security', '/admin/notifications',
  '/no-such-page',
];

for (const theme of ['light', 'dark']) {
  describe(`every page passes axe-core in the ${theme} theme`, { timeout: 240_000 }, () => {
    let page;

    before(async () => {
      page = await newPage();
      await page.context().addCookies([{ name: 'bp_theme', value: theme, url: BASE_URL }]);
    });
    after(closeBrowser);

    it('renders the chosen theme from the first byte', async () => {
      const res = await page.request.get(`${BASE_URL}/login`);
      assert.match(await res.text(), new RegExp(`<html[^>]*data-theme="${theme}"`));
    });

    it('the sign-in page', async () => {
      await gotoHydrated(page, '/login');
      assert.deepEqual(await violations(page), []);
    });

    it('the signed-in pages', async () => {
      await signIn(page, admin, adminPassword);
      const found = [];
      for (const path of SIGNED_IN_PAGES) {
        await gotoHydrated(page, path);
        for (const v of await violations(page)) found.push(`${path}: ${v}`);
      }
      await gotoHydrated(page, '/profile/preferences');
      await page.getByRole('tab', { name: 'Web Terminal' }).click();
      for (const v of await violations(page)) found.push(`/profile/preferences (Web Terminal): ${v}`);
      assert.deepEqual(found, []);
      assert.equal(await page.locator('html').getAttribute('data-theme'), theme);
    });
  });
}
