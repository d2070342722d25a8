// Flow 17, in Japanese: a parent company compares its subsidiaries side by side. Sakura's owner
// opens the group page from the navigation, sees the demo group (a radar with one outline per
// company and a table of directive values), switches the framework, mistypes a short ID and is
// told so on the form, then asks Kaede Plastics to join. Kaede's owner sees the request with what
// it will share, accepts, and Sakura's comparison lists Kaede; Kaede leaves and drops out again.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, launch, loginOk, newContext, submit, unexpectedProblems } from '../lib/harness.js';

const SAKURA = 'owner@sakura-motors.example';
const KAEDE = 'owner@kaede-plastics.example';
const KAEDE_JA = 'かえで樹脂工業株式会社';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The names in the comparison table, in order. */
async function rows(page) {
  return page.locator('[data-testid=group-table] tbody th[scope=row]').evaluateAll((ths) =>
    ths.map((th) => th.childNodes[0].textContent.trim()),
  );
}

/** The legend entries of the group radar. */
async function legend(page) {
  return page.locator('[data-testid=group-radar] svg > text').evaluateAll((ts) =>
    ts.filter((t) => Number(t.getAttribute('y')) > Number(t.ownerSVGElement.getAttribute('width'))).map((t) => t.textContent),
  );
}

test('a parent compares its subsidiaries, and a company joins and leaves by its own consent', async () => {
  const ctx = await newContext(browser, { locale: 'ja-JP' });
  const page = await ctx.newPage();
  await loginOk(page, SAKURA, DEMO_PASSWORD);
  await page.getByRole('link', { name: 'グループ', exact: true }).click();
  await page.waitForURL('**/group');
  assert.equal(await page.locator('h1').textContent(), 'グループ比較');

  // The demo group: Sakura first, then its two subsidiaries; ten directive columns with values.
  const demo = ['さくら自動車株式会社', 'さくらデジタルソリューションズ株式会社', 'さくら自動車九州株式会社'];
  assert.deepEqual(await rows(page), demo);
  assert.deepEqual(await legend(page), demo);
  assert.equal(await page.locator('[data-testid=group-radar] polygon.entity').count(), 2);
  const headers = await page.locator('[data-testid=group-table] thead th').count();
  assert.equal(headers, 4 + 10);
  const cells = page.locator('[data-testid=group-table] tbody tr:nth-child(2) td.num');
  assert.equal(await cells.count(), 1 + 10);
  for (const text of await cells.allTextContents()) {
    assert.match(text.trim(), /^\d\.\d$/, 'every directive of an approved assessment has a value');
  }

  // Another framework: nobody has a counted NIST CSF result, and the rows say so.
  await page.locator('[data-testid=group-framework]').selectOption('nist-csf-2.0');
  await submit(page, '[data-testid=group-show]', { method: 'GET' });
  assert.match(page.url(), /framework=nist-csf-2\.0/);
  assert.equal(await page.locator('[data-testid=group-table] tbody tr').count(), 3);
  assert.equal(await page.locator('[data-testid=group-table] tbody td', { hasText: '結果なし' }).count(), 3);

  // A mistyped short ID is refused on the form, in Japanese, and the input keeps what was typed.
  await page.goto('/group');
  const slug = page.locator('[data-testid=group-request] #slug');
  await slug.fill('kaede-plastic');
  const refused = await submit(page, page.locator('[data-testid=group-request] button'));
  assert.equal(refused.status(), 422);
  assert.equal(await page.locator('#slug-error').textContent(), 'この短縮IDの組織はありません。');
  assert.equal(await slug.getAttribute('aria-invalid'), 'true');
  assert.equal(await slug.inputValue(), 'kaede-plastic');

  await slug.fill('kaede-plastics');
  await submit(page, page.locator('[data-testid=group-request] button'));
  assert.equal(await page.locator('.notice').textContent(), '参加を依頼しました。');
  const pending = page.locator('[data-testid=group-subsidiaries] tr', { hasText: KAEDE_JA });
  assert.match(await pending.textContent(), /回答待ち/);
  assert.equal((await rows(page)).length, 3, 'a pending request is not yet in the comparison');

  // Kaede's owner sees the request, with what accepting shares, and accepts.
  const kctx = await newContext(browser, { locale: 'ja-JP' });
  const kpage = await kctx.newPage();
  await loginOk(kpage, KAEDE, DEMO_PASSWORD);
  await kpage.goto('/group');
  const request = kpage.locator('[data-testid=group-parents] tr', { hasText: 'さくら自動車株式会社' });
  assert.match(await request.textContent(), /回答待ち/);
  assert.match(await kpage.locator('main').textContent(), /回答とエビデンスは共有されません/);
  await submit(kpage, request.locator('[data-testid=group-accept]'));
  assert.equal(await kpage.locator('.notice').textContent(), 'グループに参加しました。');

  await page.reload();
  // The parent first, then subsidiaries by name (Kaede Plastics before Sakura …).
  assert.deepEqual(await rows(page), [demo[0], KAEDE_JA, demo[1], demo[2]]);
  const kaedeRow = page.locator('[data-testid=group-table] tbody tr', { hasText: KAEDE_JA });
  assert.match(await kaedeRow.textContent(), /結果なし/, 'Kaede has no Guidelines result to share');
  assert.equal((await legend(page)).length, 4);

  // Kaede leaves; Sakura's comparison is back to the demo group.
  await submit(kpage, kpage.locator('[data-testid=group-parents] button', { hasText: 'グループから離脱' }));
  assert.equal(await kpage.locator('.notice').textContent(), 'グループの関係を解除しました。');
  await page.reload();
  assert.deepEqual(await rows(page), demo);

  assert.deepEqual(unexpectedProblems(ctx, [422]), []);
  assert.deepEqual(unexpectedProblems(kctx), []);
  await ctx.close();
  await kctx.close();
});
