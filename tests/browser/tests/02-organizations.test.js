// Flow 2: the demo owner creates an organization on /orgs. An empty name is refused with
// an inline, accessible error; a valid one is created and becomes the current organization.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, LEAD_ORG, OWNER, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an owner creates an organization after fixing an inline validation error, and it becomes the current one', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), LEAD_ORG);

  await page.goto('/orgs');
  const name = page.locator('main form[action="/orgs"] #name');
  assert.equal(await name.getAttribute('aria-invalid'), null, 'no error before the form is sent');

  // An empty name: the page comes back with the error next to the field.
  let response = await submit(page, '[data-testid=create-org]');
  assert.equal(response.status(), 422);
  assert.equal(new URL(page.url()).pathname, '/orgs');
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  const describedBy = await name.getAttribute('aria-describedby');
  assert.ok(describedBy, 'the invalid field points at its message');
  const message = page.locator(`#${describedBy}`);
  assert.ok(await message.isVisible());
  assert.ok((await message.textContent()).trim().length > 0);
  // The message sits right after the field, inside the same form.
  assert.equal(await name.evaluate((el) => el.nextElementSibling?.id), describedBy);
  assert.ok(await page.locator('[data-testid=form-error][role=alert]').isVisible());
  // Nothing was created: still only the demo organization.
  assert.equal(await page.locator('main table tbody tr').count(), 1);

  // A valid name (sorted after the demo organization, which stays the login default).
  const orgName = unique('Yamabuki Test Works ');
  await name.fill(orgName);
  await page.locator('#name_ja').fill('山吹テスト工業');
  response = await submit(page, '[data-testid=create-org]');
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), orgName);
  assert.ok(await page.locator('main [role=status]').isVisible(), 'a notice confirms the creation');
  assert.equal(await page.locator('[data-testid=supplier-count]').textContent(), '0');

  // /orgs lists both, the new one marked as current, the demo one switchable.
  await page.goto('/orgs');
  const rows = page.locator('main table tbody tr');
  assert.equal(await rows.count(), 2);
  const newRow = rows.filter({ hasText: orgName });
  assert.equal(await newRow.locator('form').count(), 0, 'the current organization has no switch button');
  assert.match(await newRow.textContent(), /山吹テスト工業/);
  const leadRow = rows.filter({ hasText: LEAD_ORG });
  response = await submit(page, leadRow.locator('form button'));
  assert.equal(response.status(), 303);
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), LEAD_ORG);

  assert.deepEqual(unexpectedProblems(ctx, [422]), []);
  await ctx.close();
});
