// Flow 3: the demo owner invites a user on /members; the invitee opens the one-time link
// in another browser, creates an account and lands in the organization with that role.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BASE, DEMO_PASSWORD, LEAD_ORG, OWNER, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an owner invites an assessor by link, and the invitee creates an account and lands on the organization dashboard with that role', async () => {
  const owner = await newContext(browser);
  const page = await owner.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  await page.goto('/members');
  const membersBefore = await page.locator('main table').first().locator('tbody tr').count();

  const email = `${unique('invitee-')}@example.com`;
  await page.locator('main form[action="/members/invite"] #email').fill(email);
  await page.locator('main form[action="/members/invite"] #role').selectOption('assessor');
  const response = await submit(page, '[data-testid=invite]');
  assert.equal(response.status(), 200);
  const link = (await page.locator('[data-testid=invite-link]').textContent()).trim();
  assert.ok(link.startsWith(`${BASE}/invite/`), `the link points at this server: ${link}`);
  // The open invitation is listed, and the link is shown once only.
  assert.ok(await page.locator('main table tbody tr', { hasText: email }).isVisible());
  await page.goto('/members');
  assert.equal(await page.locator('[data-testid=invite-link]').count(), 0);

  // The invitee, in a browser of their own.
  const invitee = await newContext(browser);
  const page2 = await invitee.newPage();
  await page2.goto(link);
  assert.match(await page2.locator('main').textContent(), new RegExp(email.replace(/[.+]/g, '\\$&')));
  assert.match(await page2.locator('main').textContent(), /Sakura Motors/);

  // Sending it empty shows inline errors, and nothing is created.
  let r = await submit(page2, '[data-testid=accept-invite]');
  assert.equal(r.status(), 422);
  assert.equal(await page2.locator('#name').getAttribute('aria-invalid'), 'true');
  assert.equal(await page2.locator('#password').getAttribute('aria-invalid'), 'true');

  await page2.locator('#name').fill('Invited Assessor');
  await page2.locator('#password').fill('invited-password-1');
  r = await submit(page2, '[data-testid=accept-invite]');
  assert.equal(r.status(), 303);
  assert.equal(new URL(page2.url()).pathname, '/');
  assert.equal(await page2.locator('[data-testid=current-org]').textContent(), LEAD_ORG);
  assert.equal(await page2.locator('[data-testid=my-role]').textContent(), 'Assessor');
  assert.equal(await page2.locator('[data-testid=supplier-count]').textContent(), '15');
  assert.match(await page2.locator('header .user').textContent(), new RegExp(email.replace(/[.+]/g, '\\$&')));
  // An assessor sees no audit log in the navigation.
  assert.equal(await page2.locator('header nav a[href="/audit"]').count(), 0);

  // The link works once only.
  const again = await newContext(browser);
  const page3 = await again.newPage();
  const gone = await page3.goto(link);
  assert.equal(gone.status(), 404);

  // The owner now sees the new member with that role, and the invitation as accepted.
  await page.goto('/members');
  const members = page.locator('main table').first().locator('tbody tr');
  assert.equal(await members.count(), membersBefore + 1);
  const row = members.filter({ hasText: email });
  assert.equal(await row.locator('select').inputValue(), 'assessor');

  assert.deepEqual(unexpectedProblems(owner), []);
  assert.deepEqual(unexpectedProblems(invitee, [422]), []);
  assert.deepEqual(unexpectedProblems(again, [404]), []);
  await owner.close();
  await invitee.close();
  await again.close();
});
