// Journey: choose Chinese before signing in, sign in and find every page in
// Chinese (no English left on it), errors and dates included; the choice is
// stored with the account, so a new browser gets Chinese from the server's
// first byte; switch back to English from the header.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, waitForHydration,
  waitForPage,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_LANG_USER');
const password = requireEnv('E2E_PASSWORD');
const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');

// Names that stay as they are in Chinese text: protocols, formats, products.
const KEPT = new Set([
  'API', 'SSH', 'SFTP', 'RDP', 'MFA', 'TOTP', 'SMS', 'SMTP', 'STARTTLS', 'TLS', 'SSL', 'HTTP', 'HTTPS', 'URL',
  'GET', 'POST', 'JSON', 'CSV', 'ZIP', 'UTC', 'IP', 'ID', 'OTP', 'RSA', 'ECDSA', 'Ed25519', 'OpenSSH',
  'JumpServer', 'Bastion', 'Profile', 'English', 'Twilio', 'DingTalk', 'WeCom', 'Feishu', 'Lark', 'Slack',
  'Google', 'Authenticator', 'Microsoft', 'FreeOTP', 'Ctrl', 'Shift', 'Alt', 'Backspace', 'Tab', 'Esc', 'Enter',
  'PEM', 'PuTTY', 'AES', 'SHA256', 'MD5', 'Chrome', 'Chromium', 'HeadlessChrome', 'Linux', 'Windows', 'macOS',
  'Safari', 'Firefox', 'Edge', 'Unknown', 'Signature', 'NIST', 'ASVS', 'OWASP', 'WCAG',
  // Field names as the providers and protocols spell them.
  'Web', 'VNC', 'DEL', 'SID', 'Auth', 'Token', 'Webhook', 'Incoming', 'Authorization', 'Bearer',
]);

/**
 * Words of three or more Latin letters a person sees or hears on the page
 * (text, labels, titles, placeholders), less names that stay as they are,
 * the user's own data (inside `translate="no"`) and the page's own inputs.
 */
async function englishOnPage(page) {
  const texts = await page.evaluate(() => {
    const out = [];
    // What people typed (a textarea's text) is theirs, not the page's.
    const skip = (el) => el.closest('[translate="no"], script, style, code, pre, noscript, textarea');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || skip(el) || !node.textContent.trim()) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      out.push(node.textContent);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (skip(el)) continue;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(name);
        if (value) out.push(value);
      }
    }
    out.push(document.title);
    return out;
  });
  const words = new Set();
  for (const text of texts) {
    // Addresses, user names, paths, file names (".pub"), key types
    // ("ssh-ed25519"), template fields ("{phone}") and the header format
    // ("Name: value") are data, not words.
    const cleaned = text.replace(/\{\w+\}|Name: value|\S+@\S+|\S*[\/_]\S*|\S*\.[a-z]\w*|\b[a-z]+-[a-z0-9-]+|\be2e-\S+/g, ' ');
    for (const word of cleaned.match(/[A-Za-z][A-Za-z0-9]{2,}/g) ?? []) {
      if (!KEPT.has(word) && !/\d/.test(word)) words.add(word);
    }
  }
  return [...words];
}

async function expectChinese(page, path) {
  await gotoHydrated(page, path);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans', `${path}: html lang`);
  // Lazily loaded pages render after hydration starts: wait for the heading.
  await page.locator('main h1').first().waitFor();
  const left = await englishOnPage(page);
  assert.deepEqual(left, [], `${path} still shows English: ${left.join(', ')}`);
}

async function chooseLanguage(page, code) {
  await Promise.all([
    page.waitForEvent('load'),
    page.locator('#lang-select').selectOption(code),
  ]);
  await waitForHydration(page);
}

describe('English and Chinese', { timeout: 240_000 }, () => {
  let page;

  before(async () => {
    page = await newPage();
    allowHttpError(page, '/rpc/login', 401);
    allowHttpError(page, '/rpc/create_ssh_key', 400);
  });
  after(closeBrowser);

  it('switches the sign-in page to Chinese before signing in, errors included', async () => {
    await gotoHydrated(page, '/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await chooseLanguage(page, 'zh-hans');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans');
    assert.deepEqual(await englishOnPage(page), []);
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();

    await page.locator('#login-username').fill(username);
    await page.locator('#login-password').fill('not the password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    // The refusal comes from the server in English and is shown in Chinese.
    const refusal = page.locator('.banner').filter({ hasText: /用户名或密码/ });
    await refusal.waitFor();
    assert.deepEqual(await englishOnPage(page), []);
  });

  it('shows every page of the profile in Chinese, with dates written the Chinese way', async () => {
    await page.locator('#login-password').fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await waitForPage(page, '/profile');
    for (const path of [
      '/profile', '/profile/password', '/profile/ssh-keys', '/profile/access-keys', '/profile/sessions',
      '/profile/messages', '/profile/preferences', '/profile/assets', '/profile/tokens',
    ]) {
      await expectChinese(page, path);
    }
    await gotoHydrated(page, '/profile/preferences');
    await page.getByRole('tab', { name: 'Web 终端' }).click();
    assert.deepEqual(await englishOnPage(page), [], 'the Web Terminal tab');

    await gotoHydrated(page, '/profile/sessions');
    await page.locator('main').getByText(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} UTC/).first().waitFor();
  });

  it('translates the shared validation messages beside the field', async () => {
    await gotoHydrated(page, '/profile/ssh-keys');
    await page.locator('#key-text').fill('this is not a key');
    await page.locator('form:has(#key-text) button[type="submit"]').click();
    await page.locator('#key-text-error').filter({ hasText: /[\u4e00-\u9fff]/ }).waitFor();
    assert.deepEqual(await englishOnPage(page), []);
  });

  it('chooses Chinese in the header, which follows the person to a new browser', async () => {
    // The header's picker saves the preference (the cookie alone would not travel).
    await gotoHydrated(page, '/profile');
    await chooseLanguage(page, 'en');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
    await chooseLanguage(page, 'zh-hans');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hans');

    const other = await newPage();
    await gotoHydrated(other, '/login');
    assert.equal(await other.locator('html').getAttribute('lang'), 'en', 'a new browser starts in its own language');
    await other.locator('#login-username').fill(username);
    await other.locator('#login-password').fill(password);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPage(other, '/profile');
    // The server's own HTML for the next page, before any script ran, is Chinese.
    const html = await (await other.request.get(`${BASE_URL}/profile/password`)).text();
    assert.match(html, /<html lang="zh-Hans"/);
    assert.match(html, /[\u4e00-\u9fff]/);
    assert.equal(await other.locator('html').getAttribute('lang'), 'zh-Hans');
    assert.deepEqual(browserErrors(other), []);

    await chooseLanguage(other, 'en');
    await other.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
  });

  it('shows the administrator pages in Chinese', async () => {
    const adminPage = await newPage();
    await adminPage.context().addCookies([{ name: 'bp_lang', value: 'zh-hans', url: BASE_URL }]);
    await gotoHydrated(adminPage, '/login');
    await adminPage.locator('#login-username').fill(admin);
    await adminPage.locator('#login-password').fill(adminPassword);
    await adminPage.getByRole('button', { name: '登录', exact: true }).click();
    await waitForPage(adminPage, '/profile');
    for (const path of ['/admin/users', '/admin/auth-log', '/admin/security', '/admin/notifications', '/admin/assets']) {
      await expectChinese(adminPage, path);
    }
    assert.deepEqual(browserErrors(adminPage), []);
  });

  it('logged no browser errors', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
