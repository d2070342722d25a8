// Flow 18: the owner brings a framework from CISO Assistant. On the framework list
// (in Japanese, the account's setting) the owner uploads a CISO Assistant library YAML and
// lands on its tree; a malformed library (a parent_urn that names no node) is refused with
// the file and line in Japanese, then in English, and nothing is stored; finally the private
// framework is deleted from the list, while built-in frameworks offer no delete button.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, OWNER, launch, loginOk, newContext, submit, unexpectedProblems } from '../lib/harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../crates/catalog/tests/fixtures');
const GOOD = path.join(FIXTURES, 'ciso-framework.yaml');
const BAD = path.join(FIXTURES, 'ciso-bad-unknown-parent.yaml');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Chooses a file (and a format) in the upload form of /frameworks and sends it. */
async function upload(page, file, format = 'auto') {
  await page.goto('/frameworks');
  await page.locator('#catalog-file').setInputFiles(file);
  await page.locator('#catalog-format').selectOption(format);
  return submit(page, '[data-testid=import-form] button');
}

/** The names in the framework list. */
async function listed(page) {
  return page.locator('[data-testid=frameworks] tbody tr td:first-child a').allTextContents();
}

test('a CISO Assistant library is uploaded, a malformed one is refused on its line, and the private framework is deleted', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);

  await page.goto('/frameworks');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  const before = await listed(page);
  assert.equal(await page.locator('[data-testid^=delete-]').count(), 0, 'built-in frameworks cannot be deleted');

  // The good library: the page of the new framework shows its tree.
  let response = await upload(page, GOOD);
  assert.equal(response.status(), 303);
  assert.match(page.url(), /\/frameworks\/demo-fw\?version=2&notice=catalog\.imported$/);
  assert.equal((await page.locator('main .notice').textContent()).trim(), '取り込みました。');
  const tree = page.locator('main details');
  assert.ok((await tree.count()) >= 1, 'the tree is shown');
  await page.locator('main').getByText('GOV-1', { exact: false }).first().waitFor();
  await page.locator('main').getByText('GOV-2', { exact: false }).first().waitFor();

  await page.goto('/frameworks');
  const withDemo = await listed(page);
  assert.equal(withDemo.length, before.length + 1);
  assert.ok(withDemo.includes('デモ フレームワーク'), `listed by its Japanese name: ${withDemo}`);

  // The malformed library: the error names the file and the line, in Japanese.
  response = await upload(page, BAD);
  assert.equal(response.status(), 422);
  const problem = page.locator('[data-testid=import-problem]');
  assert.match(await problem.locator('p.error').textContent(), /何も保存されていません/);
  assert.match(await problem.locator('li').textContent(), /^ciso-bad-unknown-parent\.yaml の 44 行目: 項目 parent_urn の値が不正です/);
  assert.deepEqual(await listed(page), withDemo, 'nothing was stored');

  // The same in English, with the format chosen by hand (and kept in the form).
  await submit(page, '[data-testid=lang-en]');
  response = await upload(page, BAD, 'ciso-assistant');
  assert.equal(response.status(), 422);
  assert.match(await problem.locator('p.error').textContent(), /nothing was stored/);
  assert.equal(
    (await problem.locator('li').textContent()).trim(),
    'ciso-bad-unknown-parent.yaml:44: field "parent_urn": no node has urn "urn:example:risk:req_node:demo-fw:nowhere"',
  );
  assert.equal(await page.locator('#catalog-format').inputValue(), 'ciso-assistant');

  // Delete the private framework from the list.
  response = await submit(page, '[data-testid=delete-demo-fw]');
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/frameworks');
  assert.equal((await page.locator('main .notice').textContent()).trim(), 'Deleted.');
  assert.equal((await listed(page)).length, before.length);
  assert.equal(await page.locator('[data-testid=delete-demo-fw]').count(), 0);

  await submit(page, '[data-testid=lang-ja]');
  assert.deepEqual(unexpectedProblems(ctx, [422]), []);
  await ctx.close();
});
