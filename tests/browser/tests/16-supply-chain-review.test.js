// Flow 16, the expert review side of issue #5: the platform administrator registers an
// expert reviewer on /admin/reviewers (an existing account by e-mail, with a registration
// number), sees the register, and deactivates the reviewer again. Wrong input is refused
// on the field; an organization owner does not even see the page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, OWNER, launch, loginOk, newContext, signup, submit, unexpectedProblems, unique } from '../lib/harness.js';

const PLATFORM_ADMIN = 'platform-admin@mamori.example';

let browser;
const ctx = {};
const page = {};

before(async () => {
  browser = await launch();
  for (const who of ['admin', 'owner', 'expert']) {
    ctx[who] = await newContext(browser);
    page[who] = await ctx[who].newPage();
  }
});
after(async () => {
  for (const c of Object.values(ctx)) {
    await c.close();
  }
  await browser?.close();
});

test('the platform administrator registers, lists and deactivates an expert reviewer', async () => {
  // The future reviewer signs up like anyone else.
  const expert = { name: 'Flow Sixteen Expert', email: `${unique('expert-')}@example.com` };
  await signup(page.expert, { ...expert, password: 'expert-password-16', org: unique('Expert Office ') });

  // An organization owner is not a platform administrator: the page does not exist.
  const o = page.owner;
  await loginOk(o, OWNER, DEMO_PASSWORD);
  assert.equal((await o.goto('/admin/reviewers')).status(), 404);
  assert.equal(await o.locator('nav a[href="/admin/reviewers"]').count(), 0);

  const a = page.admin;
  await loginOk(a, PLATFORM_ADMIN, DEMO_PASSWORD);
  await a.goto('/admin');
  await Promise.all([a.waitForURL('**/admin/reviewers'), a.locator('[data-testid=admin-reviewers]').click()]);
  const form = a.locator('main form[action="/admin/reviewers"]');

  // Refused on the field, and what was typed stays.
  await form.locator('#r-email').fill('nobody-at-all@example.com');
  await form.locator('#r-registration').fill('RISS-016016');
  let response = await submit(a, '[data-testid=register-reviewer]');
  assert.equal(response.status(), 200);
  assert.equal(await a.locator('[data-testid=error-email]').textContent(), 'No account uses this e-mail address.');
  assert.equal(await a.locator('#r-registration').inputValue(), 'RISS-016016');
  await a.locator('#r-email').fill(expert.email);
  await a.locator('#r-registration').fill('RISS 016016 <b>');
  response = await submit(a, '[data-testid=register-reviewer]');
  assert.equal(response.status(), 200);
  assert.match(await a.locator('[data-testid=error-registration]').textContent(), /1 to 64 letters, digits/);

  // Registered: listed as active.
  await a.locator('#r-registration').fill('RISS-016016');
  response = await submit(a, '[data-testid=register-reviewer]');
  assert.equal(response.status(), 303);
  assert.equal(await a.locator('main .notice[role=status]').textContent(), 'The reviewer is registered.');
  const row = a.locator(`[data-testid="reviewer-${expert.email}"]`);
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Flow Sixteen Expert.*RISS-016016/s);
  assert.equal(await row.locator('[data-testid=reviewer-status]').textContent(), 'Active');

  // Registering the same person twice is refused.
  await a.locator('#r-email').fill(expert.email);
  await a.locator('#r-registration').fill('RISS-016017');
  response = await submit(a, '[data-testid=register-reviewer]');
  assert.equal(response.status(), 200);
  assert.equal(await a.locator('[data-testid=error-email]').textContent(), 'This user is already an active expert reviewer.');

  // Deactivated: kept on record, without the button.
  response = await submit(a, row.locator('[data-testid=deactivate-reviewer]'));
  assert.equal(response.status(), 303);
  assert.equal(await a.locator('main .notice[role=status]').textContent(), 'The reviewer is deactivated.');
  assert.match(await row.locator('[data-testid=reviewer-status]').textContent(), /^Deactivated \(\d{4}-\d{2}-\d{2}\)$/);
  assert.equal(await row.locator('[data-testid=deactivate-reviewer]').count(), 0);

  assert.deepEqual(unexpectedProblems(ctx.owner, [404]), []);
  assert.deepEqual(unexpectedProblems(ctx.admin), []);
});
