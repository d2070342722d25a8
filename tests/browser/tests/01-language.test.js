// Flow 1: the demo owner logs in (Japanese by default), switches to English and back,
// and the choice survives a reload and a new login.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, LEAD_ORG, OWNER, launch, loginOk, newContext, submit, unexpectedProblems } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function heading(page) {
  return (await page.locator('main h1').textContent()).trim();
}

test('the demo owner logs in, sees the organization and the 15 suppliers its network discloses in Japanese, and switches the language to English and back', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();

  // The login page follows the browser's Accept-Language (English here).
  await page.goto('/login');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await loginOk(page, OWNER, DEMO_PASSWORD);
  // Demo users are set to Japanese, and the user's setting wins over Accept-Language.
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await heading(page), 'ダッシュボード');
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), LEAD_ORG);
  // 8 direct suppliers plus the tier-2/3 suppliers of those that consent to disclose them.
  assert.equal(await page.locator('[data-testid=supplier-count]').textContent(), '15');
  assert.equal(await page.locator('[data-testid=my-role]').textContent(), 'オーナー');
  assert.match(await page.locator('main').textContent(), /さくら|Sakura/);

  // The header button switches to English and comes back to the same page.
  let response = await submit(page, '[data-testid=lang-en]');
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await heading(page), 'Dashboard');
  assert.equal(await page.locator('[data-testid=my-role]').textContent(), 'Owner');
  assert.equal(await page.locator('nav[aria-label] a[aria-current=page]').textContent(), 'Dashboard');
  await page.reload();
  assert.equal(await heading(page), 'Dashboard', 'English persists after a reload');

  // The switch works from any page and returns there.
  await page.goto('/suppliers');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await heading(page), /^Suppliers/);
  assert.equal(await page.locator('[data-testid=suppliers] tbody tr').count(), 15);
  response = await submit(page, '[data-testid=lang-ja]');
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/suppliers');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  await page.goto('/');
  assert.equal(await heading(page), 'ダッシュボード');
  await page.reload();
  assert.equal(await heading(page), 'ダッシュボード', 'Japanese persists after a reload');
  assert.equal(await page.locator('[data-testid=lang-en]').textContent(), 'English');

  // The choice is saved on the account: a new browser that logs in gets Japanese too,
  // even though it asks for English.
  const other = await newContext(browser);
  const page2 = await other.newPage();
  await loginOk(page2, OWNER, DEMO_PASSWORD);
  assert.equal(await heading(page2), 'ダッシュボード');

  assert.deepEqual(unexpectedProblems(ctx), []);
  assert.deepEqual(unexpectedProblems(other), []);
  await ctx.close();
  await other.close();
});
