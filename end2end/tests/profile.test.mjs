// Journey: a person edits their own phone number. A malformed number is
// stopped beside the field and never saved; a valid one is stored in E.164
// form and shown back in the account facts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  browserErrors, closeBrowser, factValue, newPage, reloadHydrated, requireEnv, signIn,
} from '../lib/browser.mjs';

const username = requireEnv('E2E_USER');
const password = requireEnv('E2E_PASSWORD');

describe('editing my phone number', { timeout: 120_000 }, () => {
  let page;
  const phone = () => page.locator('#profile-phone');
  const save = () => page.locator('form').filter({ has: phone() }).getByRole('button', { name: 'Save', exact: true });

  before(async () => {
    page = await newPage();
    await signIn(page, username, password);
  });
  after(closeBrowser);

  it('starts with no phone, as the test script sets the account up', async () => {
    assert.equal(await phone().inputValue(), '');
    const facts = page.locator('[data-testid="account-facts"]');
    assert.equal((await factValue(facts, 'Phone').textContent()).trim(), 'Not set');
  });

  it('shows the mistake beside the field for a number without a country code', async () => {
    await phone().fill('12345');
    await save().click();
    const error = page.locator('#profile-phone-error');
    await error.filter({ hasText: /\S/ }).waitFor({ state: 'visible' });
    assert.equal(await phone().getAttribute('aria-invalid'), 'true');
    const describedBy = (await phone().getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.split(' ').includes('profile-phone-error'), `aria-describedby is "${describedBy}"`);
    assert.equal(await page.locator('.banner-success').count(), 0, 'nothing was saved, so nothing may say so');
  });

  it('kept the phone empty: the bad number was not saved', async () => {
    await reloadHydrated(page);
    assert.equal(await phone().inputValue(), '');
  });

  it('saves a valid number typed with spaces', async () => {
    await phone().fill('+86 138 0013 8000');
    await save().click();
    await page.locator('.banner-success', { hasText: 'Saved.' }).waitFor({ state: 'visible' });
    assert.equal(await page.locator('#profile-phone-error').textContent(), '');
  });

  it('shows the number in E.164 form after a reload, in the field and in the facts', async () => {
    await reloadHydrated(page);
    assert.equal(await phone().inputValue(), '+8613800138000');
    const facts = page.locator('[data-testid="account-facts"]');
    assert.equal((await factValue(facts, 'Phone').textContent()).trim(), '+8613800138000');
  });

  it('saw no console or page errors along the way', () => {
    assert.deepEqual(browserErrors(page), []);
  });
});
