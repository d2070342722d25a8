// Flow 4: the demo owner creates an API token on /tokens, the test calls the REST API
// with it, then revokes it in the interface and the API refuses it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, LEAD_ORG, OWNER, api, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an owner creates an API token, calls the API with it, and after revoking it in the interface the API answers 401 problem+json', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  await page.goto('/tokens');

  const name = unique('ci-script-');
  await page.locator('main form[action="/tokens"] #name').fill(name);
  await page.locator('main form[action="/tokens"] #role').selectOption('viewer');
  await page.locator('main form[action="/tokens"] #expires').fill('7');
  const response = await submit(page, '[data-testid=create-token]');
  assert.equal(response.status(), 200);
  const token = (await page.locator('[data-testid=new-token]').textContent()).trim();
  assert.match(token, /^\S{20,}$/, 'a token secret is shown');
  const row = page.locator('main table tbody tr', { hasText: name });
  assert.ok(await row.isVisible());
  assert.ok(!(await row.textContent()).includes(token), 'the list shows only a prefix');

  // The secret is shown once: not on the next visit.
  await page.goto('/tokens');
  assert.equal(await page.locator('[data-testid=new-token]').count(), 0);

  // The API accepts it, scoped to the organization and the chosen role.
  let res = await api('/api/v1/me', token);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const me = await res.json();
  assert.equal(me.role, 'viewer');
  assert.equal(me.org.name, LEAD_ORG);
  assert.equal(me.org.slug, 'sakura-motors');

  res = await api('/api/v1/suppliers?limit=200', token);
  assert.equal(res.status, 200);
  const suppliers = await res.json();
  assert.ok(Array.isArray(suppliers.items));
  assert.equal(suppliers.items.length, 15, "the suppliers the network discloses");
  assert.equal(suppliers.next_cursor, null);
  for (const s of suppliers.items) {
    assert.ok([1, 2, 3].includes(s.tier), `tier of ${s.org.name}`);
    assert.equal(typeof s.org.name, 'string');
    assert.ok(['low', 'medium', 'high', 'critical'].includes(s.criticality));
  }
  // The one pagination convention: a smaller page has a cursor to the next.
  res = await api('/api/v1/suppliers?limit=10', token);
  const first = await res.json();
  assert.equal(first.items.length, 10);
  assert.equal(typeof first.next_cursor, 'string');
  res = await api(`/api/v1/suppliers?limit=10&cursor=${encodeURIComponent(first.next_cursor)}`, token);
  const second = await res.json();
  // 15 disclosed suppliers: the second page holds the last 5 and ends the walk.
  assert.equal(second.items.length, 5);
  assert.equal(second.next_cursor, null);
  assert.notDeepEqual(second.items[0], first.items[0]);

  // Last use is recorded and shown.
  await page.goto('/tokens');
  assert.notEqual((await row.locator('td').nth(3).textContent()).trim(), '—');

  // Revoke it in the interface.
  const revoked = await submit(page, row.locator('form[action$="/revoke"] button'));
  assert.equal(revoked.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/tokens');
  assert.equal(await row.locator('form').count(), 0, 'a revoked token has no revoke button');

  for (const path of ['/api/v1/me', '/api/v1/suppliers']) {
    res = await api(path, token);
    assert.equal(res.status, 401, path);
    assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
    const problem = await res.json();
    assert.equal(problem.status, 401);
    assert.equal(typeof problem.title, 'string');
    assert.equal(typeof problem.type, 'string');
    assert.equal(problem.code, 'unauthorized');
  }

  assert.deepEqual(unexpectedProblems(ctx), []);
  await ctx.close();
});
