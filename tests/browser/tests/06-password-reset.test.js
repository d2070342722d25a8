// Flow 6: password reset. In --dev mode the server writes the e-mail, with its one-time
// link, to its log; the test reads the link there as a person would read the e-mail.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { launch, linkFromLog, login, loginOk, logout, newContext, signup, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function requestReset(page, email) {
  await page.goto('/password/forgot');
  await page.locator('#email').fill(email);
  const r = await submit(page, 'main form[action="/password/forgot"] button[type=submit]');
  assert.equal(r.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.ok(await page.locator('main [role=status]').isVisible(), 'the login page says a link was sent');
}

test('a user who forgot the password requests a reset link, sets a new password with it and logs in with the new one', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const email = `${unique('forgetful-')}@example.com`;
  const oldPassword = 'the old password 1';
  const newPassword = 'the new password 2';
  await signup(page, { name: 'Forgetful Test', email, password: oldPassword, org: unique('Reset Test Co ') });
  await logout(page);

  // An unknown address gets the same answer, and no e-mail.
  const nobody = `${unique('nobody-')}@example.com`;
  await requestReset(page, nobody);

  // Reset requests share the login rate limit, and a limited request is answered the same
  // way without sending anything; so when no e-mail shows up, wait for a token and retry.
  let link = null;
  for (let attempt = 0; attempt < 3 && !link; attempt += 1) {
    if (attempt > 0) await sleep(7000);
    await requestReset(page, email);
    link = await linkFromLog(email, '/password/reset?token=');
  }
  assert.ok(link, 'the reset e-mail with its link was logged');
  assert.equal(await linkFromLog(nobody, '/password/reset?token=', 200), null);

  await page.goto(link);
  // Mismatched confirmation is an inline error.
  await page.locator('#password').fill(newPassword);
  await page.locator('#confirm').fill('something else 3');
  let r = await submit(page, 'main form[action="/password/reset"] button[type=submit]');
  assert.equal(r.status(), 422);
  assert.equal(await page.locator('#confirm').getAttribute('aria-invalid'), 'true');

  await page.locator('#password').fill(newPassword);
  await page.locator('#confirm').fill(newPassword);
  r = await submit(page, 'main form[action="/password/reset"] button[type=submit]');
  assert.equal(r.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.ok(await page.locator('main [role=status]').isVisible(), 'the login page says the password changed');

  // The link is spent.
  await page.goto(link);
  await page.locator('#password').fill('a third password 4');
  await page.locator('#confirm').fill('a third password 4');
  r = await submit(page, 'main form[action="/password/reset"] button[type=submit]');
  assert.equal(r.status(), 400);

  // The old password no longer works; the new one does.
  assert.equal(await login(page, email, oldPassword), 401);
  await loginOk(page, email, newPassword);

  assert.deepEqual(unexpectedProblems(ctx, [400, 401, 422]), []);
  await ctx.close();
});
