// Flow 9: no console errors, uncaught exceptions or CSP violations on any page, and the
// Swagger UI at /api/v1/docs renders the operations from its vendored assets.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BASE, DEMO_PASSWORD, OWNER, launch, loginOk, newContext } from '../lib/harness.js';

const PUBLIC_PAGES = ['/login', '/signup', '/password/forgot', '/password/reset?token=not-a-real-token'];
// /settings last: the language is switched from there.
const SIGNED_IN_PAGES = ['/', '/suppliers', '/members', '/tokens', '/audit', '/orgs', '/assessments', '/assessments/new', '/settings'];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Records the URL of every request the page makes. */
function recordRequests(page) {
  const urls = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

/** Visits a page, waits until its scripts have run, and checks its headers and requests. */
async function visit(page, requests, path) {
  requests.length = 0;
  const response = await page.goto(path);
  await page.waitForLoadState('networkidle');
  assert.equal(response.status(), 200, `${path} answers 200`);
  const csp = response.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/, `${path} has a CSP`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${path}: the CSP allows no inline code`);
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE)), [], `${path} loads nothing from other origins`);
}

test('no page logs a console error, an uncaught exception or a CSP violation, in either language', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const requests = recordRequests(page);
  for (const path of PUBLIC_PAGES) {
    await visit(page, requests, path);
  }
  await loginOk(page, OWNER, DEMO_PASSWORD);
  const first = await page.locator('html').getAttribute('lang');
  for (const path of SIGNED_IN_PAGES) {
    await visit(page, requests, path);
  }
  // The same pages in the other language, then back to the first.
  const other = first === 'ja' ? 'en' : 'ja';
  await Promise.all([page.waitForURL('**/settings'), page.locator(`[data-testid=lang-${other}]`).click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), other);
  for (const path of SIGNED_IN_PAGES) {
    await visit(page, requests, path);
  }
  await Promise.all([page.waitForURL('**/settings'), page.locator(`[data-testid=lang-${first}]`).click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), first);

  assert.deepEqual([...new Set(ctx.problems)], []);
  await ctx.close();
});

test('the API documentation renders the operations list from vendored assets without errors', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const requests = recordRequests(page);
  const response = await page.goto('/api/v1/docs');
  assert.equal(response.status(), 200);
  await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter((u) => !u.startsWith(BASE)), [], 'nothing is fetched from other origins');
  assert.ok(requests.some((u) => u.includes('/static/vendor/swagger-ui-bundle-')));

  assert.ok((await page.locator('.opblock').count()) >= 5, 'the operations are listed');
  const paths = (await page.locator('.opblock-summary-path').allTextContents()).map((p) => p.replace(/\u200b/g, ''));
  for (const p of ['/api/v1/me', '/api/v1/suppliers', '/api/v1/auth/token', '/api/v1/tokens']) {
    assert.ok(paths.includes(p), `${p} is documented (found ${paths.join(', ')})`);
  }
  // Opening an operation shows its responses.
  const me = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/me$/ }) });
  await me.first().locator('.opblock-summary-control').click();
  await me.first().locator('.responses-wrapper').waitFor();

  // What it renders is the server's OpenAPI 3.1 document.
  const doc = await (await fetch(`${BASE}/api/v1/openapi.json`)).json();
  assert.match(doc.openapi, /^3\.1\./);

  assert.deepEqual([...new Set(ctx.problems)], []);
  await ctx.close();
});
