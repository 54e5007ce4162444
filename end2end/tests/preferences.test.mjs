// Journey: change preferences of each group, see invalid values refused
// beside the field, reload and find them kept, reset a section to its
// defaults, set the file encryption password and export the data, then open
// the downloaded archive with 7-Zip.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE_URL, allowHttpError, browserErrors, closeBrowser, gotoHydrated, newPage, reloadHydrated, requireEnv, signIn,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_PREFS_USER');
const password = requireEnv('E2E_PASSWORD');
const filePassword = 'archive passphrase 2026';

describe('preferences and the data export', { timeout: 180_000 }, () => {
  let page;

  before(async () => {
    page = await newPage();
    allowHttpError(page, '/rpc/export_my_data', 400);
  });
  after(closeBrowser);

  const terminalTab = () => page.getByRole('tab', { name: 'Web Terminal' });
  const section = (id) => page.getByTestId(`section-${id}`);

  it('changes settings of each group and refuses invalid ones beside the field', async () => {
    await signIn(page, username, password);
    await gotoHydrated(page, '/profile/preferences');
    assert.equal(await page.getByRole('tab', { name: 'General' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#pref-lina-lang').inputValue(), 'en');

    await terminalTab().click();
    const commandLine = section('luna-command_line');
    await commandLine.locator('#pref-luna-character-terminal-font-size').fill('0');
    await commandLine.getByRole('button', { name: 'Save', exact: true }).click();
    await commandLine.locator('#pref-luna-character-terminal-font-size-error').filter({ hasText: 'from 1 to 100' }).waitFor();
    await commandLine.locator('#pref-luna-character-terminal-font-size').fill('18');
    await commandLine.getByLabel('Backspace sends Ctrl+H').check();
    await commandLine.getByRole('button', { name: 'Save', exact: true }).click();
    await commandLine.locator('.banner').filter({ hasText: 'Saved.' }).waitFor();

    const graphics = section('luna-graphics');
    await graphics.locator('#pref-luna-rdp-resolution').selectOption('1920x1080');
    await graphics.getByLabel('Use all monitors').check();
    await graphics.locator('#pref-luna-rdp-color-quality').selectOption('16');
    await graphics.getByRole('button', { name: 'Save', exact: true }).click();
    await graphics.locator('.banner').filter({ hasText: 'Saved.' }).waitFor();

    const ssh = section('koko-basic');
    await ssh.locator('#pref-koko-terminal-theme-name').selectOption('Dracula');
    await ssh.getByRole('button', { name: 'Save', exact: true }).click();
    await ssh.locator('.banner').filter({ hasText: 'Saved.' }).waitFor();
  });

  it('keeps them after a reload, and resets a section to its defaults', async () => {
    await reloadHydrated(page);
    await terminalTab().click();
    assert.equal(await page.locator('#pref-luna-character-terminal-font-size').inputValue(), '18');
    assert.equal(await page.locator('#pref-luna-rdp-resolution').inputValue(), '1920x1080');
    assert.equal(await page.locator('#pref-luna-rdp-color-quality').inputValue(), '16');
    assert.equal(await section('luna-graphics').getByLabel('Use all monitors').isChecked(), true);
    assert.equal(await section('luna-graphics').getByLabel('Full screen').isChecked(), true);
    assert.equal(await page.locator('#pref-koko-terminal-theme-name').inputValue(), 'Dracula');

    const commandLine = section('luna-command_line');
    await commandLine.getByRole('button', { name: 'Reset to defaults' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reset', exact: true }).click();
    await commandLine.locator('.banner').filter({ hasText: 'Back to the defaults.' }).waitFor();
    assert.equal(await page.locator('#pref-luna-character-terminal-font-size').inputValue(), '14');
    assert.equal(await commandLine.getByLabel('Backspace sends Ctrl+H').isChecked(), false);
    await reloadHydrated(page);
    await terminalTab().click();
    assert.equal(await page.locator('#pref-luna-character-terminal-font-size').inputValue(), '14');
    assert.equal(await page.locator('#pref-luna-rdp-resolution').inputValue(), '1920x1080', 'other sections keep theirs');
  });

  it('exports the data encrypted under the file password, which 7-Zip opens', async () => {
    await page.getByRole('tab', { name: 'General' }).click();
    const file = section('lina-file');
    await file.getByTestId('export').click();
    await file.locator('.banner').filter({ hasText: 'Set a file encryption password first' }).waitFor();

    await page.locator('#pref-secret-key').fill(filePassword);
    await page.locator('#pref-secret-key-again').fill('something else');
    await file.getByRole('button', { name: 'Set password' }).click();
    await page.locator('#pref-secret-key-again-error').filter({ hasText: 'differ' }).waitFor();
    await page.locator('#pref-secret-key-again').fill(filePassword);
    await file.getByRole('button', { name: 'Set password' }).click();
    await file.getByTestId('secret-state').filter({ hasText: 'is set' }).waitFor();

    const downloading = page.waitForEvent('download');
    await file.getByTestId('export').click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'bastion-profile-export.zip');
    const dir = mkdtempSync(join(tmpdir(), 'bp-export-'));
    const archive = join(dir, 'export.zip');
    await download.saveAs(archive);
    assert.throws(() => execFileSync('7z', ['x', '-pwrong password', `-o${join(dir, 'wrong')}`, '-y', archive], { stdio: 'pipe' }));
    execFileSync('7z', ['x', `-p${filePassword}`, `-o${join(dir, 'out')}`, '-y', archive], { stdio: 'pipe' });
    const profile = JSON.parse(readFileSync(join(dir, 'out', 'profile.json'), 'utf8'));
    assert.equal(profile.username, username);
    const prefs = JSON.parse(readFileSync(join(dir, 'out', 'preferences.json'), 'utf8'));
    assert.equal(prefs.koko.basic.terminal_theme_name, 'Dracula');
    assert.match(readFileSync(join(dir, 'out', 'sign_in_history.csv'), 'utf8'), /^datetime,factor,channel,status/);
    assert.deepEqual(browserErrors(page), []);
  });

  it('switches to the dark theme, which the server renders and a new browser picks up', async () => {
    const saved = page.waitForResponse((r) => r.url().endsWith('/rpc/save_preferences') && r.ok());
    await page.locator('#theme-select').selectOption('dark');
    await saved;
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    // The server's own HTML carries it: no light flash before the script runs.
    const html = await (await page.request.get(`${BASE_URL}/profile/preferences`)).text();
    assert.match(html, /<html[^>]*data-theme="dark"/);
    await reloadHydrated(page);
    assert.equal(await page.locator('#theme-select').inputValue(), 'dark');
    assert.equal(await page.locator('#pref-lina-theme').inputValue(), 'dark', 'saved as the preference');

    const other = await newPage();
    await signIn(other, username, password);
    await other.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    assert.deepEqual(browserErrors(other), []);
    await other.locator('#theme-select').selectOption('system');
    assert.equal(await other.locator('html').getAttribute('data-theme'), null);
  });
});
