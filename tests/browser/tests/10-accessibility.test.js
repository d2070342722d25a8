// Flow 10: an accessibility smoke test of every form: each visible input has a label,
// ids are unique, invalid fields point at their messages, buttons and links have names.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, OWNER, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The accessibility defects of the current page, as readable strings. */
async function audit(page) {
  return page.evaluate(() => {
    const defects = [];
    const where = location.pathname + location.search;
    const describe = (el) => el.outerHTML.slice(0, 160);
    const fields = document.querySelectorAll('input:not([type=hidden]), select, textarea');
    for (const el of fields) {
      const labelled =
        (el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.textContent.trim() !== '')) ||
        (el.getAttribute('aria-label') || '').trim() !== '' ||
        (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => id && document.getElementById(id));
      if (!labelled) defects.push(`${where}: field without a label: ${describe(el)}`);
    }
    const ids = new Map();
    for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) || 0) + 1);
    for (const [id, n] of ids) if (n > 1) defects.push(`${where}: id "${id}" is used ${n} times`);
    for (const el of document.querySelectorAll('[aria-describedby]')) {
      for (const id of el.getAttribute('aria-describedby').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) defects.push(`${where}: aria-describedby="${id}" names nothing: ${describe(el)}`);
      }
    }
    for (const el of document.querySelectorAll('[aria-invalid=true]')) {
      if (!el.getAttribute('aria-describedby') && !document.querySelector('[role=alert]')) {
        defects.push(`${where}: invalid field with no message: ${describe(el)}`);
      }
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      const name = (el.textContent || '').trim() || el.getAttribute('aria-label') || el.getAttribute('title');
      if (!name) defects.push(`${where}: ${el.tagName.toLowerCase()} without a name: ${describe(el)}`);
    }
    if (!['ja', 'en'].includes(document.documentElement.lang)) defects.push(`${where}: <html> has no lang`);
    if (document.querySelectorAll('h1').length !== 1) defects.push(`${where}: expected exactly one h1`);
    if (!document.title.trim()) defects.push(`${where}: empty <title>`);
    if (!document.querySelector('main#main')) defects.push(`${where}: no <main id="main"> for the skip link`);
    return defects;
  });
}

test('the accessibility check reports unlabelled fields, duplicate ids and dangling references', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await page.setContent(`<!doctype html><html><head><title>t</title></head><body><main id="main"><h1>x</h1>
    <form><label for="a">A</label><input id="a"><input id="b" name="b"><input type="hidden" name="h">
    <select id="a"></select><input aria-label="ok"><input aria-describedby="missing" aria-label="c">
    <button></button></form></main></body></html>`);
  const defects = (await audit(page)).join('\n');
  assert.match(defects, /field without a label: <input id="b"/);
  assert.match(defects, /field without a label: <select id="a"/, 'a label points at the first of duplicate ids only');
  assert.match(defects, /id "a" is used 2 times/);
  assert.match(defects, /aria-describedby="missing" names nothing/);
  assert.match(defects, /button without a name/);
  assert.match(defects, /<html> has no lang/);
  assert.doesNotMatch(defects, /aria-label="ok"/);
  assert.doesNotMatch(defects, /type="hidden"/);
  await ctx.close();
});

test('every form field on every page has a label, and error states stay accessible', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const defects = [];
  let inputs = 0;
  const check = async () => {
    inputs += await page.locator('input:not([type=hidden]), select, textarea').count();
    defects.push(...(await audit(page)));
  };

  for (const path of ['/login', '/signup', '/password/forgot', '/password/reset?token=x']) {
    await page.goto(path);
    await check();
  }
  // Forms sent back with errors.
  await page.goto('/signup');
  await submit(page, 'main form[action="/signup"] button[type=submit]');
  assert.equal(await page.locator('main [aria-invalid=true]').count(), 4, 'each empty required field is flagged');
  await check();
  await page.goto('/password/reset?token=x');
  await page.locator('#password').fill('one password 1');
  await page.locator('#confirm').fill('another password 2');
  await submit(page, 'main form[action="/password/reset"] button[type=submit]');
  await check();

  await loginOk(page, OWNER, DEMO_PASSWORD);
  for (const path of ['/', '/suppliers', '/members', '/tokens', '/audit', '/orgs', '/settings']) {
    await page.goto(path);
    await check();
  }
  await page.goto('/orgs');
  await submit(page, '[data-testid=create-org]');
  await check();
  // The self-assessment pages: the list, a new one, a demo assessment's answers and results.
  for (const path of ['/assessments', '/assessments/new']) {
    await page.goto(path);
    await check();
  }
  await page.goto('/assessments');
  const answers = await page.locator('[data-testid=assessments] tbody tr td:first-child a').first().getAttribute('href');
  for (const path of [answers, `${answers}/results`]) {
    await page.goto(path);
    await check();
  }
  await page.goto('/tokens');
  await page.locator('main form[action="/tokens"] #expires').fill('soon');
  await submit(page, '[data-testid=create-token]');
  assert.equal(await page.locator('#expires').getAttribute('aria-invalid'), 'true');
  await check();
  await page.goto('/members');
  await submit(page, '[data-testid=invite]');
  assert.equal(await page.locator('main form[action="/members/invite"] #email').getAttribute('aria-invalid'), 'true');
  await check();
  // An invitation as its recipient sees it, and the two-factor setup form.
  await page.goto('/members');
  await page.locator('main form[action="/members/invite"] #email').fill(`${unique('a11y-')}@example.com`);
  await submit(page, '[data-testid=invite]');
  const link = (await page.locator('[data-testid=invite-link]').textContent()).trim();
  await check();
  await page.goto('/settings');
  await submit(page, 'main form[action="/settings/mfa/setup"] button');
  await check();

  const stranger = await newContext(browser);
  const page2 = await stranger.newPage();
  await page2.goto(link);
  inputs += await page2.locator('input:not([type=hidden]), select, textarea').count();
  defects.push(...(await audit(page2)));

  assert.ok(inputs > 30, `the check saw the forms (${inputs} fields)`);
  assert.deepEqual(defects, []);
  assert.deepEqual(unexpectedProblems(ctx, [400, 422]), []);
  assert.deepEqual(unexpectedProblems(stranger), []);
  await ctx.close();
  await stranger.close();
});
