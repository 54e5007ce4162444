// Drives Debian's Chromium through playwright-core: one browser per test
// file, a fresh context (and so fresh cookies) per newPage().

import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Every wait in the journeys is bounded by this, so a hang fails fast. */
export const WAIT_MS = 15_000;

export const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The value of an environment variable the test script must set. */
export function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the journeys through scripts/test.sh, which starts the server and sets it`);
  }
  return value;
}

let browser;
const contexts = new Set();
const problemsByPage = new WeakMap();

async function launchOnce() {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return browser;
}

/**
 * A page in a new browser context that notes every console error and
 * uncaught page error; read them with browserErrors(page).
 */
export async function newPage() {
  const context = await (await launchOnce()).newContext({ baseURL: BASE_URL });
  contexts.add(context);
  const page = await context.newPage();
  return watch(page);
}

/** Notes the page's console and page errors, with bounded waits. */
function watch(page) {
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const record = { problems: [], allowed: [] };
  problemsByPage.set(page, record);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    // Chromium reports a 4xx/5xx response as "Failed to load resource: ...
    // status of 401 (Unauthorized)", with the resource as the location.
    const status = Number(/status of (\d{3})/.exec(msg.text())?.[1]) || undefined;
    record.problems.push({ text: `console error: ${msg.text()}${url ? ` (${url})` : ''}`, url, status });
  });
  page.on('pageerror', (err) => {
    record.problems.push({ text: `page error: ${err.message}` });
  });
  return page;
}

const cameraBrowsers = [];

/**
 * A page in its own browser whose webcam shows `videoFile` (a Y4M made by
 * lib/camera.py): Chromium's fake capture device plays it in a loop, and the
 * camera permission is granted without a prompt.
 */
export async function newCameraPage(videoFile) {
  const camBrowser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${videoFile}`,
    ],
    timeout: 30_000,
  });
  cameraBrowsers.push(camBrowser);
  const context = await camBrowser.newContext({ baseURL: BASE_URL, permissions: ['camera'] });
  contexts.add(context);
  return watch(await context.newPage());
}

/**
 * Marks a failed response the journey provoked on purpose (a wrong password)
 * so that browserErrors() does not count the console line Chromium logs for it.
 */
export function allowHttpError(page, pathname, status) {
  problemsByPage.get(page).allowed.push({ pathname, status });
}

/** The console and page errors seen so far, less those allowed. */
export function browserErrors(page) {
  const { problems, allowed } = problemsByPage.get(page);
  return problems
    .filter((p) => !allowed.some((a) => p.status === a.status && pathOf(p.url) === a.pathname))
    .map((p) => p.text);
}

function pathOf(url) {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Resolves once the app in the current document has hydrated. */
export async function waitForHydration(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: WAIT_MS });
}

/** Navigates to BASE_URL + path and waits until the app has hydrated. */
export async function gotoHydrated(page, path) {
  const response = await page.goto(BASE_URL + path, { waitUntil: 'load' });
  await waitForHydration(page);
  return response;
}

/** Reloads the current page and waits until the app has hydrated again. */
export async function reloadHydrated(page) {
  await page.reload({ waitUntil: 'load' });
  await waitForHydration(page);
}

/** Waits for a full page load of `pathname` (after a redirect) and its hydration. */
export async function waitForPage(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname, { timeout: WAIT_MS });
  await waitForHydration(page);
}

/** The path and query of the page's current URL, e.g. "/login?next=%2Fprofile". */
export function currentPath(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Fills and submits the sign-in form already on screen. */
export async function submitSignIn(page, username, password) {
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in from the sign-in page and waits for the profile page it lands on. */
export async function signIn(page, username, password) {
  await gotoHydrated(page, '/login');
  await submitSignIn(page, username, password);
  await waitForPage(page, '/profile');
}

/** The value shown for `label` in a list of account facts (a <dl>). */
export function factValue(facts, label) {
  const exactly = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return facts.locator('.fact').filter({ has: facts.page().locator('dt', { hasText: exactly }) }).locator('dd');
}

/**
 * Serious and critical axe-core violations (WCAG 2.1 A and AA) on the page as
 * it is now, once nothing is loading.
 */
export async function axeViolations(page) {
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: WAIT_MS });
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')} — ${v.nodes[0]?.failureSummary ?? ''}`);
  });
}

/** Closes every context this file opened, then the browser. */
export async function closeBrowser() {
  for (const context of contexts) {
    await context.close().catch(() => {});
  }
  contexts.clear();
  await browser?.close();
  browser = undefined;
  for (const cam of cameraBrowsers.splice(0)) {
    await cam.close().catch(() => {});
  }
}
