// Flow 12, in Japanese: the demo owner creates a SECURITY ACTION self-check and answers it
// with the keyboard. Every change is saved by htmx without a page load (the progress follows),
// a not-applicable answer without its reason is refused with a Japanese message, "save and
// next" takes the keyboard focus to the next question, a program is refused as evidence with
// the reason, a document is attached with its SHA-256 shown and downloadable, and the results page scores the 25 self-check items.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { createAssessment, progress, saving, scores, trendPoints, waitSaved } from '../lib/assess.js';
import { DEMO_PASSWORD, OWNER, launch, loginOk, newContext, submit, unexpectedProblems, unique } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The SECURITY ACTION plan: the five ★ rules (rows 0–4), then the 25 self-check items (5–29).
const RULES = 5;
const CHECKS = 25;

test('ja: a SECURITY ACTION self-check answered with the keyboard autosaves, explains a refused answer, takes evidence and scores 96/100', async () => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  // The demo owner's language is Japanese (switched back if another flow left it in English).
  if ((await page.locator('html').getAttribute('lang')) !== 'ja') {
    await submit(page, '[data-testid=lang-ja]');
  }
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');

  // The main navigation leads to the assessments.
  await Promise.all([page.waitForURL('**/assessments'), page.locator('header nav a[href="/assessments"]').click()]);
  assert.equal((await page.locator('main h1').textContent()).trim(), 'アセスメント');

  const title = unique('SECURITY ACTION 自社診断 ブラウザ ');
  const id = await createAssessment(page, { frameworkId: 'ipa-security-action', title, scope: '本社' });
  assert.equal((await page.locator('main .notice[role=status]').textContent()).trim(), 'アセスメントを作成しました。');
  assert.equal(await page.locator('[data-testid=assess-state]').textContent(), '下書き');
  assert.equal(await page.locator('main section.req').count(), RULES + CHECKS);
  let p = await progress(page);
  assert.deepEqual([p.value, p.max], [0, RULES + CHECKS]);
  assert.match(p.text, /^0\/30 回答済み/);
  // Japanese labels on both kinds of question.
  assert.equal((await page.locator('label[for=st-0]').textContent()).trim(), '実施状況');
  assert.equal((await page.locator(`label[for=sc-${RULES}]`).textContent()).trim(), '自社診断の回答');
  assert.equal(
    (await page.locator(`#sc-${RULES} option`).allTextContents()).join('|'),
    '— 未回答 —|実施している（4点）|一部実施している（2点）|実施していない（0点）|わからない（−1点）',
  );

  // Keyboard only: the first rule's status, one step down from "not answered" to "実施".
  await page.locator('#st-0').focus();
  await saving(page, () => page.keyboard.press('ArrowDown'));
  assert.equal(await page.locator('#st-0').inputValue(), 'implemented');
  assert.equal(await waitSaved(page, 0, /保存しました/), '✓ 保存しました');
  await page.locator('#progress-text').filter({ hasText: /^1\/30 / }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/assessments/${id}`, 'autosave did not leave the page');

  // Not applicable without a reason: refused, in Japanese, and the counter does not move.
  await saving(page, () => page.locator('#st-1').selectOption('not_applicable'));
  const refused = page.locator('#saved-1 [role=alert]');
  await refused.waitFor();
  assert.match(await refused.textContent(), /対象外の理由/);
  assert.doesNotMatch(await refused.textContent(), /[a-z]{4,}/, 'no untranslated English in the message');
  assert.match((await progress(page)).text, /^1\/30 /);
  // Typing the reason and leaving the field saves the answer.
  await page.locator('#na-1').fill('ウイルス対策は親会社の管理端末のみで対象機器がない');
  await saving(page, () => page.keyboard.press('Tab'));
  await waitSaved(page, 1, /保存しました/);
  await page.locator('#progress-text').filter({ hasText: /^2\/30 / }).waitFor();

  // "保存して次へ" with the keyboard: a normal form post that lands on the next question
  // with the focus on its first field, so that the keyboard user carries on from there.
  await saving(page, () => page.locator('#st-2').selectOption('partial'));
  await waitSaved(page, 2, /保存しました/);
  await page.locator('[data-testid=save-next-2]').focus();
  await Promise.all([page.waitForURL(/#r-3$/), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.activeElement?.id === 'st-3');
  assert.equal(await page.locator('main .notice[role=status]').textContent(), '保存しました');

  // The 25 self-check items, each by keyboard: one step down is "実施している（4点）", two
  // steps "一部実施している（2点）" (two of them), with a note on the first.
  for (let i = 0; i < CHECKS; i += 1) {
    const idx = RULES + i;
    await page.locator(`#sc-${idx}`).focus();
    await saving(page, () => page.keyboard.press('ArrowDown'));
    if (i === 3 || i === 17) {
      await saving(page, () => page.keyboard.press('ArrowDown'));
      assert.equal(await page.locator(`#sc-${idx}`).inputValue(), 'partial');
    }
    await waitSaved(page, idx, /保存しました/);
  }
  await page.locator(`#n-${RULES}`).fill('WSUS で毎月配信、例外は台帳で管理');
  await saving(page, () => page.keyboard.press('Tab'));
  await page.locator(`#saved-${RULES}`).filter({ hasText: /保存しました/ }).waitFor();
  p = await progress(page);
  assert.equal(p.value, 3 + CHECKS);
  assert.match(p.text, /^28\/30 回答済み/);

  // Everything is still there after a reload.
  await page.reload();
  assert.equal(await page.locator('#st-0').inputValue(), 'implemented');
  assert.equal(await page.locator('#st-1').inputValue(), 'not_applicable');
  assert.equal(await page.locator('#na-1').inputValue(), 'ウイルス対策は親会社の管理端末のみで対象機器がない');
  assert.equal(await page.locator('#st-2').inputValue(), 'partial');
  assert.equal(await page.locator(`#sc-${RULES}`).inputValue(), 'implemented');
  assert.equal(await page.locator(`#sc-${RULES + 3}`).inputValue(), 'partial');
  assert.equal(await page.locator(`#n-${RULES}`).inputValue(), 'WSUS で毎月配信、例外は台帳で管理');
  assert.match((await progress(page)).text, /^28\/30 /);

  // Evidence for the first rule: a file, listed with its SHA-256 and downloadable as sent.
  const content = Buffer.from(`パッチ適用手順書\nWSUS 承認は毎月第2水曜\n${unique('rev ')}\n`, 'utf8');
  const sha256 = crypto.createHash('sha256').update(content).digest('hex');
  const r0 = page.locator('#r-0');
  await r0.locator('details.evidence summary').click();
  // A program is refused, with the reason in Japanese in that row, which stays open.
  await r0.locator('#f-0').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: content });
  let response = await submit(page, r0.locator('[data-testid=evidence-upload-0]'));
  assert.equal(response.status(), 303);
  const evidenceError = page.locator('#r-0 [data-testid=evidence-error][role=alert]');
  assert.ok(await evidenceError.isVisible());
  assert.match(await evidenceError.textContent(), /^エビデンスを追加できませんでした： この種類のファイルは受け付けていません。/);
  assert.match(await page.locator('#r-0 details.evidence summary').textContent(), /エビデンス \(0\)/);
  // A text file is accepted.
  await r0.locator('#f-0').setInputFiles({ name: 'patch-procedure.txt', mimeType: 'text/plain', buffer: content });
  response = await submit(page, r0.locator('[data-testid=evidence-upload-0]'));
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).hash, '#r-0');
  assert.equal(await page.locator('main .notice[role=status]').textContent(), 'エビデンスを添付しました。');
  // The evidence of the row just changed is open, with the file, its size and full hash on screen.
  assert.equal(await page.locator('#r-0 details.evidence').getAttribute('open'), '');
  const item = page.locator('#r-0 [data-testid=evidence] li').filter({ hasText: 'patch-procedure.txt' });
  assert.equal(await item.count(), 1);
  assert.ok(await item.isVisible());
  assert.equal((await item.locator('[data-testid=sha256]').textContent()).trim(), sha256);
  assert.match(await page.locator('#r-0 details.evidence summary').textContent(), /エビデンス \(1\)/);
  const [download] = await Promise.all([page.waitForEvent('download'), item.locator('a').click()]);
  assert.equal(download.suggestedFilename(), 'patch-procedure.txt');
  const downloaded = await fs.readFile(await download.path());
  assert.equal(crypto.createHash('sha256').update(downloaded).digest('hex'), sha256);

  // Results: ★1 rule count and the self-check total 23×4 + 2×2 = 96 of 100, band 70–99.
  await Promise.all([page.waitForURL(`**/assessments/${id}/results`), page.locator('[data-testid=assess-results]').click()]);
  assert.equal((await page.locator('main h1').textContent()).trim(), `結果: ${title}`);
  const s = await scores(page);
  assert.equal(s['★一つ星 5か条'], '1/5');
  assert.equal(s['自社診断 合計'], '96/100');
  assert.equal(s['区分'], '70〜99点');
  // The trend of the organization's SECURITY ACTION self-checks: the demo's and this one.
  const trend = await trendPoints(page);
  assert.ok(trend.points >= 2, `the trend shows at least two self-checks, not ${trend.points}`);
  assert.ok(await page.locator('[data-testid=trend] svg text').filter({ hasText: /^96$|^96\.0$/ }).count() >= 1);

  // Back on the list, the new assessment shows its progress.
  await page.goto('/assessments');
  const row = page.locator('[data-testid=assessments] tbody tr').filter({ hasText: title });
  assert.match(await row.textContent(), /28\/30/);

  assert.deepEqual(unexpectedProblems(ctx), []);
  await ctx.close();
});
