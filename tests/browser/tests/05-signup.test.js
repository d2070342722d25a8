// Flow 5: a new user signs up on /signup, lands on the dashboard of the new organization,
// logs out and logs in again.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, login, loginOk, logout, newContext, signup, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a new user signs up, lands on the dashboard of the new organization as its owner, logs out and logs in again', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();

  // A bad address is shown inline, and the typed values are kept.
  await page.goto('/signup');
  await page.locator('#name').fill('Hanako Test');
  await page.locator('#email').fill('not-an-address');
  await page.locator('#password').fill('short');
  await page.locator('#org_name').fill('Kiso Valves');
  let r = await submit(page, 'main form[action="/signup"] button[type=submit]');
  assert.equal(r.status(), 422);
  assert.equal(await page.locator('#email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#name').inputValue(), 'Hanako Test');
  assert.equal(await page.locator('#org_name').inputValue(), 'Kiso Valves');
  const emailError = await page.locator('#email').getAttribute('aria-describedby');
  assert.ok(await page.locator(`#${emailError}`).isVisible());

  const email = `${unique('hanako-')}@example.com`;
  const password = 'correct horse battery';
  const org = unique('Kiso Valves ');
  await signup(page, { name: 'Hanako Test', email, password, org, lang: 'en' });
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), org);
  assert.equal(await page.locator('[data-testid=my-role]').textContent(), 'Owner');
  assert.equal(await page.locator('[data-testid=supplier-count]').textContent(), '0');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('header .user').textContent(), new RegExp(email.replace(/[.+]/g, '\\$&')));

  await logout(page);
  // Logged out: signed-in pages send to the login page.
  await page.goto('/tokens');
  assert.equal(new URL(page.url()).pathname, '/login');

  // A wrong password is refused with a message, then the right one works.
  const status = await login(page, email, 'wrong password here');
  assert.equal(status, 401);
  assert.ok(await page.locator('[data-testid=form-error][role=alert]').isVisible());
  assert.equal(await page.locator('#email').inputValue(), email, 'the address is kept');

  await loginOk(page, email, password);
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), org);
  assert.equal(await page.locator('[data-testid=my-role]').textContent(), 'Owner');

  assert.deepEqual(unexpectedProblems(ctx, [401, 422]), []);
  await ctx.close();
});
