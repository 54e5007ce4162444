// Journey: an administrator turns face recognition on; a user enrols their
// face from a (fake) webcam showing one photo of a person (the enrolment
// dialog's progress and guidance come from the server's checks), signs in again
// with a camera showing a different photo of the same person, and is refused
// with a camera showing someone else. The administrator then sees the face
// on the user's panel and clears it.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  axeViolations, browserErrors, closeBrowser, gotoHydrated, newCameraPage, newPage, reloadHydrated, requireEnv,
  signIn, submitSignIn, waitForPage, WAIT_MS,
} from '../lib/browser.mjs';

const admin = requireEnv('E2E_ADMIN');
const adminPassword = requireEnv('E2E_ADMIN_PASSWORD');
const user = requireEnv('E2E_FACE_USER');
const password = requireEnv('E2E_PASSWORD');
const cameras = {
  enrol: requireEnv('E2E_CAM_ENROL'),
  same: requireEnv('E2E_CAM_SAME'),
  other: requireEnv('E2E_CAM_OTHER'),
};
// A face attempt gives up after 30 s; the journey waits a little longer.
const ATTEMPT_MS = 40_000;

describe('face recognition', { timeout: 300_000 }, () => {
  const pages = [];
  let adminPage;

  before(async () => {
    adminPage = await newPage();
    pages.push(adminPage);
    await signIn(adminPage, admin, adminPassword);
  });
  after(closeBrowser);

  it('an administrator turns it on and sees the models loaded', async () => {
    await gotoHydrated(adminPage, '/admin/security');
    const on = adminPage.locator('#set-face-on');
    if (!(await on.isChecked())) await on.check();
    assert.equal(await adminPage.locator('#set-face-threshold').inputValue(), '0.55');
    await adminPage.getByRole('button', { name: 'Save', exact: true }).click();
    await adminPage.locator('.banner-success', { hasText: 'Saved.' }).waitFor();
    await reloadHydrated(adminPage);
    await adminPage.locator('[data-testid="face-engine"]', { hasText: 'The face models are loaded' })
      .waitFor({ timeout: ATTEMPT_MS });
  });

  it('a user enrols from the camera', async () => {
    const page = await newCameraPage(cameras.enrol);
    pages.push(page);
    // Signing in with the password is the confirmation enrolling needs, for
    // 5 minutes (the integration tests walk the clock past it to see the 412).
    await signIn(page, user, password);
    await page.locator('[data-testid="face-state"]', { hasText: 'Not enrolled' }).waitFor();
    await page.locator('[data-testid="face-enrol"]').click();
    const dialog = page.getByRole('dialog', { name: 'Enrol your face' });
    await dialog.locator('[data-testid="face-video"]').waitFor();
    // The camera dialog, while it guides, is as accessible as the pages.
    assert.deepEqual(await axeViolations(page), []);
    await dialog.locator('.banner-success', { hasText: 'The face is saved' }).waitFor({ timeout: ATTEMPT_MS });
    await dialog.getByRole('button', { name: 'Done', exact: true }).click();
    await page.locator('[data-testid="face-state"]', { hasText: /^Enrolled$/ }).waitFor();
  });

  it('signs in with a different photo of the same person', async () => {
    const page = await newCameraPage(cameras.same);
    pages.push(page);
    await gotoHydrated(page, '/login');
    await submitSignIn(page, user, password);
    await waitForPage(page, '/mfa');
    // Face is the only factor: the camera opens at once.
    await page.locator('[data-testid="face-video"]').waitFor();
    await page.waitForURL((url) => url.pathname === '/profile', { timeout: ATTEMPT_MS }).catch(async (e) => {
      const hint = await page.locator('[data-testid="face-hint"]').textContent().catch(() => '');
      throw new Error(`not signed in by face (last hint: ${hint}): ${e.message}`);
    });
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
  });

  it('refuses another person and offers to try again', async () => {
    const page = await newCameraPage(cameras.other);
    pages.push(page);
    await gotoHydrated(page, '/login');
    await submitSignIn(page, user, password);
    await waitForPage(page, '/mfa');
    await page.locator('[data-testid="face-hint"]', { hasText: 'This face does not match' })
      .waitFor({ timeout: ATTEMPT_MS });
    await page.locator('[data-testid="face-hint"]', { hasText: 'The face did not match' })
      .waitFor({ timeout: ATTEMPT_MS });
    await page.locator('[data-testid="face-retry"]').waitFor();
    assert.equal(new URL(page.url()).pathname, '/mfa');
  });

  it('the administrator sees the face on the user panel and clears it', async () => {
    await gotoHydrated(adminPage, '/admin/users');
    await adminPage.locator('#user-search').fill(user);
    await adminPage.getByRole('search').getByRole('button', { name: 'Search', exact: true }).click();
    await adminPage.getByRole('button', { name: `Edit ${user}`, exact: true }).click();
    const state = adminPage.locator('[data-testid="user-face-state"]');
    await state.filter({ hasText: 'Enrolled on' }).waitFor();
    await adminPage.locator('[data-testid="user-face-clear"]').click();
    await adminPage.getByRole('alertdialog').getByRole('button', { name: 'Clear', exact: true }).click();
    await state.filter({ hasText: 'Not enrolled' }).waitFor({ timeout: WAIT_MS });
  });

  it('saw no console or page errors', () => {
    for (const page of pages) assert.deepEqual(browserErrors(page), []);
  });
});
