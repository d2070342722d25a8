// Flow 7: a user turns on TOTP two-factor authentication on /settings, with codes computed
// here from the shown secret (RFC 6238), then logs in with a code.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { base32Decode, hotp, launch, login, loginOk, logout, newContext, signup, submit, totp, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the TOTP code generator used by these tests matches the RFC 6238 test vectors', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890"; its 8-digit values end in these 6.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(base32Decode(secret).toString('ascii'), '12345678901234567890');
  assert.equal(totp(secret, 59), '287082');
  assert.equal(totp(secret, 1111111109), '081804');
  assert.equal(totp(secret, 1234567890), '005924');
  assert.equal(totp(secret, 2000000000), '279037');
  // RFC 4226 appendix D.
  assert.equal(hotp(Buffer.from('12345678901234567890'), 1), '287082');
  assert.equal(hotp(Buffer.from('12345678901234567890'), 9), '520489');
});

test('a user turns on two-factor authentication with an authenticator code and then needs a code to log in', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const email = `${unique('totp-')}@example.com`;
  const password = 'two factor password';
  await signup(page, { name: 'TOTP Test', email, password, org: unique('Totp Test Co ') });

  await page.goto('/settings');
  await submit(page, 'main form[action="/settings/mfa/setup"] button');
  const secret = (await page.locator('[data-testid=totp-secret]').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'a base32 secret is shown');
  assert.match(await page.locator('main').textContent(), /otpauth:\/\/totp\//);

  // A wrong code is refused inline; the secret and the code field stay, so the person can
  // type the next code from the app they have just set up.
  const wrong = String((Number(totp(secret)) + 500000) % 1000000).padStart(6, '0');
  await page.locator('main form[action="/settings/mfa/enable"] #code').fill(wrong);
  let r = await submit(page, 'main form[action="/settings/mfa/enable"] button');
  assert.equal(r.status(), 422);
  assert.equal(await page.locator('main form[action="/settings/mfa/disable"]').count(), 0, 'two-factor stays off');
  const code = page.locator('main form[action="/settings/mfa/enable"] #code');
  assert.equal(await code.count(), 1, 'the code field is still there after a wrong code');
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator(`#${await code.getAttribute('aria-describedby')}`).isVisible());
  assert.equal((await page.locator('[data-testid=totp-secret]').textContent()).trim(), secret, 'the same secret');

  const enabledAt = Date.now() / 1000;
  await code.fill(totp(secret, enabledAt));
  r = await submit(page, 'main form[action="/settings/mfa/enable"] button');
  assert.equal(r.status(), 303);
  assert.ok(await page.locator('main form[action="/settings/mfa/disable"]').isVisible(), 'two-factor is on');
  await logout(page);

  // Password alone is not enough: the form asks for the code.
  assert.equal(await login(page, email, password), 401);
  assert.equal(await page.locator('#totp').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#totp').getAttribute('required'), '');
  assert.equal(await page.locator('#email').inputValue(), email);

  // The code that turned two-factor on cannot be replayed (RFC 6238 §5.2): the server
  // accepts each 30-second step once. The next step's code is within the allowed clock drift.
  assert.equal(await login(page, email, password, { totp: () => totp(secret, enabledAt) }), 401, 'a used code is refused');
  await loginOk(page, email, password, { totp: () => totp(secret, enabledAt + 30) });
  assert.equal(new URL(page.url()).pathname, '/');
  await page.goto('/settings');
  assert.ok(await page.locator('main form[action="/settings/mfa/disable"]').isVisible());

  assert.deepEqual(unexpectedProblems(ctx, [401, 422]), []);
  await ctx.close();
});
