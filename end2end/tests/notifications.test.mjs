// Journey: an administrator points the mail server at the test sink, sends a
// test email and turns on email and SMS codes; the user signs in with a code
// read from the sink, confirms a phone number with a texted code, signs in
// with SMS, and reads the security notices in the inbox. Codes and notices
// are read from the sink, a real SMTP server and HTTP gateway
// (server/tests/sinks/sink.py). The confirmation dialog with an emailed or
// texted code is covered by the integration tests, which can move the clock.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, WAIT_MS, allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, requireEnv, signIn,
  submitSignIn, waitForPage,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');
const username = requireEnv('E2E_NOTIFY_USER');
const password = requireEnv('E2E_PASSWORD');
const sinkHttp = requireEnv('SINK_HTTP');
const smtpPort = requireEnv('SINK_SMTP_PORT');
const userEmail = `${username}@example.com`;

async function sinkGet(path) {
  const res = await fetch(sinkHttp + path);
  assert.equal(res.status, 200);
  return res.json();
}

/** Waits for the `n`th (1-based) mail to `to` whose subject contains `subject`. */
async function waitForMail(to, subject, n = 1) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const found = (await sinkGet('/_sink/mail')).filter((m) => m.to.includes(to) && m.subject.includes(subject));
    if (found.length >= n) return found[n - 1];
    if (Date.now() > until) throw new Error(`no mail "${subject}" #${n} to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForSms(n) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const sms = (await sinkGet('/_sink/requests')).filter((r) => r.path === '/gateway/send');
    if (sms.length >= n) return JSON.parse(sms[n - 1].body);
    if (Date.now() > until) throw new Error(`no SMS #${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const codeIn = (text) => /\b(\d{6})\b/.exec(text)[1];

describe('email and SMS codes, notices and the inbox', { timeout: 240_000 }, () => {
  let adminPage;
  let page;

  before(async () => {
    await fetch(`${sinkHttp}/_sink/all`, { method: 'DELETE' });
    adminPage = await newPage();
    allowHttpError(adminPage, '/rpc/save_notification_settings', 400);
    page = await newPage();
    allowHttpError(page, '/rpc/start_phone_binding', 412);
  });

  after(async () => {
    // Other journeys sign in without codes: turn them off again.
    for (const [category, data] of [['email', { SECURITY_MFA_BY_EMAIL: false }], ['sms', { SMS_ENABLED: false }]]) {
      await adminPage?.request.patch(`${BASE_URL}/api/v1/settings/setting/?category=${category}`, {
        data, headers: { Origin: BASE_URL },
      });
    }
    await closeBrowser();
  });

  it('lets an administrator set up mail and SMS, test them, and says why a value is wrong', async () => {
    await signIn(adminPage, admin, adminPassword);
    await gotoHydrated(adminPage, '/admin/notifications');
    await adminPage.locator('#set-email-host').fill('127.0.0.1');
    await adminPage.locator('#set-email-port').fill(smtpPort);
    await adminPage.locator('#set-email-from').fill('not an address');
    await adminPage.getByRole('button', { name: 'Save', exact: true }).click();
    await adminPage.locator('.field.has-error #set-email-from').waitFor();
    await adminPage.locator('#set-email-from').fill('bastion@example.com');

    await adminPage.locator('#set-email-test-to').fill(userEmail);
    await adminPage.getByRole('button', { name: 'Send test email' }).click();
    await adminPage.locator('[data-testid="email-test-result"] .banner').filter({ hasText: /Sent to/ }).waitFor();
    const test = await waitForMail(userEmail, 'Test message');
    assert.equal(test.from, 'bastion@example.com');

    assert.match(await adminPage.locator('.warning-text').textContent(), /NIST SP 800-63B/);
    await adminPage.locator('#set-mfa-email').check();
    await adminPage.locator('#set-sms-enabled').check();
    await adminPage.locator('#set-sms-url').fill(`${sinkHttp}/gateway/send`);
    await adminPage.locator('#set-sms-test-to').fill('+1 415 555 0199');
    await adminPage.getByRole('button', { name: 'Send test SMS via the gateway' }).click();
    await adminPage.locator('[data-testid="sms-test-result"] .banner').filter({ hasText: /Sent a test code to \+14155550199/ }).waitFor();
    assert.equal((await waitForSms(1)).phone, '+14155550199');
    await adminPage.getByRole('button', { name: 'Save', exact: true }).click();
    await adminPage.locator('.banner').filter({ hasText: 'Saved.' }).waitFor();
    assert.deepEqual(browserErrors(adminPage), []);
  });

  it('signs the user in with a code sent by email', async () => {
    await gotoHydrated(page, '/login');
    await submitSignIn(page, username, password);
    await waitForPage(page, '/mfa');
    await page.getByTestId('send-code').click();
    await page.locator('.send-code [role="status"]').filter({ hasText: /Code sent to e\*\*\*@example\.com/ }).waitFor();
    assert.match(await page.getByTestId('send-code').textContent(), /Send again in \d+ s/);
    assert.equal(await page.getByTestId('send-code').isDisabled(), true, 'no new code for 60 s');
    const mail = await waitForMail(userEmail, 'Your verification code');
    assert.match(mail.body, /valid for 5 minutes/);
    await page.locator('#mfa-code').fill(codeIn(mail.body));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await waitForPage(page, '/profile');
    assert.match(await page.getByTestId('email-state').textContent(), /On/);
  });

  it('confirms a phone number with a texted code before using it', async () => {
    await page.getByRole('button', { name: 'Set up SMS codes' }).click();
    await page.locator('#sms-phone').fill('+1 415 555 0100');
    // The sign-in just proved the email code, so no confirmation is asked yet.
    await page.getByTestId('send-code').click();
    const sms = await waitForSms(2);
    assert.equal(sms.phone, '+14155550100');
    await page.locator('#sms-code').fill(sms.code);
    await page.getByRole('button', { name: 'Use this number' }).click();
    await page.getByTestId('sms-state').filter({ hasText: 'On: codes go to +14155550100' }).waitFor();
  });

  it('signs in with SMS, picked among the methods', async () => {
    await page.locator('.user-menu-button').click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await waitForPage(page, '/login');
    await submitSignIn(page, username, password);
    await waitForPage(page, '/mfa');
    await page.getByLabel('SMS code', { exact: true }).check();
    await page.getByTestId('send-code').click();
    await page.locator('.send-code [role="status"]').filter({ hasText: /Code sent to \*\*\* 0100/ }).waitFor();
    const sms = await waitForSms(3);
    await page.locator('#mfa-code').fill(sms.code);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await waitForPage(page, '/profile');
  });

  it('shows the security notices in the inbox and by email', async () => {
    const badge = page.getByTestId('unread-count');
    await badge.waitFor();
    const unread = Number(await badge.textContent());
    assert.ok(unread >= 1, `unread ${unread}`);
    await page.getByRole('link', { name: /^Messages, \d+ unread$/ }).click();
    await waitForPage(page, '/profile/messages');
    const notice = page.getByTestId('message').filter({ hasText: 'SMS code was added to your account' });
    await notice.waitFor();
    await notice.locator('.message-subject').click();
    await notice.locator('.message-body').filter({ hasText: 'can now be used as your second factor' }).waitFor();
    await page.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="unread-count"]')?.textContent ?? 0) < before,
      unread,
      { timeout: WAIT_MS },
    );
    await waitForMail(userEmail, 'SMS code was added to your account');

    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });
    const count = await page.getByTestId('message').count();
    await notice.getByRole('button', { name: /^Delete message/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length === n - 1, count, {
      timeout: WAIT_MS,
    });
    assert.deepEqual(browserErrors(page), []);
  });
});
