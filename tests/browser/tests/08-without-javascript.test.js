// Flow 8: the interface works with JavaScript turned off: log in, switch language and
// create an API token with plain HTML forms.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, OWNER, api, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('with JavaScript turned off a user logs in and creates a working API token', async () => {
  const ctx = await newContext(browser, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  // app.js did not run: the bars keep no width set by script.
  assert.equal(await page.locator('.bar .fill span').first().getAttribute('style'), null);
  assert.equal(await page.locator('[data-testid=supplier-count]').textContent(), '15');

  // Navigation is plain links.
  await Promise.all([page.waitForURL('**/tokens'), page.locator('header nav a[href="/tokens"]').click()]);
  const name = unique('nojs-');
  await page.locator('main form[action="/tokens"] #name').fill(name);
  const r = await submit(page, '[data-testid=create-token]');
  assert.equal(r.status(), 200);
  const token = (await page.locator('[data-testid=new-token]').textContent()).trim();
  assert.ok(await page.locator('main table tbody tr', { hasText: name }).isVisible());

  const res = await api('/api/v1/me', token);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).org.slug, 'sakura-motors');

  assert.deepEqual(unexpectedProblems(ctx), []);
  await ctx.close();
});
