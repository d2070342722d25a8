// Flow 13, in English: an assessor answers a Cybersecurity Management Guidelines v3.0
// assessment (status and maturity per question), sees the radar with the ten directives and
// the trend over the organization's Guidelines assessments, then exports the answers as
// XLSX, fills the workbook in a spreadsheet library (exceljs) as a person would in Excel,
// has a mistake in it refused cell by cell, and imports the corrected file: the answer page
// and the scores show the imported answers. Also writes the README's results screenshot.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import ExcelJS from 'exceljs';

import { createAssessment, progress, saving, scores, trendPoints, waitSaved } from '../lib/assess.js';
import { DEMO_PASSWORD, launch, loginOk, newContext, submit, unexpectedProblems } from '../lib/harness.js';

const ASSESSOR = 'assessor@sakura-motors.example';
const QUESTIONS = 40;
const DIRECTIVES = 10;

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mamori-xlsx-'));
});
after(async () => {
  await browser?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The score of directive `n` on the results page, whatever its title. */
function directive(s, n) {
  const key = Object.keys(s).find((k) => k.startsWith(`Directive ${n} `));
  assert.ok(key, `no score row for directive ${n}: ${Object.keys(s)}`);
  return s[key];
}

/** The radar chart's axes and their labels with values. */
async function radar(page) {
  const svg = page.locator('[data-testid=radar] svg');
  // The axes are the lines drawn from the centre (the legend has a line of its own).
  const axes = await svg.evaluate((el) => {
    const c = Number(el.getAttribute('width')) / 2;
    return [...el.querySelectorAll('line')].filter(
      (l) => Number(l.getAttribute('x1')) === c && Number(l.getAttribute('y1')) === c,
    ).length;
  });
  const labels = await svg.locator('text:has(tspan)').evaluateAll((ts) =>
    ts.map((t) => [t.firstChild.textContent.trim(), t.querySelector('tspan').textContent.trim()]),
  );
  return { axes, labels: Object.fromEntries(labels) };
}

// The maturity given in the workbook to the four questions of each directive (1 to 10):
// 33 × 4 / 40 questions = an overall mean of 3.3.
const LEVELS = [5, 4, 3, 4, 2, 3, 4, 3, 2, 3];

/** Fills the exported workbook: every question implemented, at its directive's level. */
async function fillWorkbook(file, out, { badMaturityFor } = {}) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('Answers');
  const header = ws.getRow(1).values.slice(1);
  assert.deepEqual(header.slice(0, 7), ['requirement_id', 'group', 'title', 'status', 'na_reason', 'maturity', 'self_check']);
  const col = (name) => header.indexOf(name) + 1;
  let filled = 0;
  let badRow = null;
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const id = String(row.getCell(col('requirement_id')).value);
    row.getCell(col('status')).value = 'implemented';
    row.getCell(col('maturity')).value = LEVELS[Number(/^Q(\d+)-/.exec(id)[1]) - 1];
    if (id === 'Q1-1') {
      row.getCell(col('notes')).value = 'Board reviews the cyber risk register every quarter';
      row.getCell(col('owner')).value = 'CISO office';
    }
    if (id === badMaturityFor) {
      row.getCell(col('maturity')).value = 7;
      badRow = n;
    }
    filled += 1;
  });
  await wb.xlsx.writeFile(out);
  return { filled, badRow, maturityColumn: String.fromCharCode(64 + col('maturity')) };
}

async function importFile(page, file) {
  await page.locator('#import-file').setInputFiles(file);
  return submit(page, '[data-testid=import]');
}

test('en: a Guidelines v3.0 assessment is answered, charted on a ten-axis radar and a trend, and round-trips through XLSX', async () => {
  const ctx = await newContext(browser, { acceptDownloads: true });
  const page = await ctx.newPage();
  await loginOk(page, ASSESSOR, DEMO_PASSWORD);
  const startedIn = await page.locator('html').getAttribute('lang');
  if (startedIn !== 'en') {
    await submit(page, '[data-testid=lang-en]');
  }
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  // A plain title, as it appears in the README's screenshot; the test finds it by its id.
  const title = 'Guidelines self-assessment FY2027';
  const id = await createAssessment(page, {
    frameworkId: 'meti-cyber-management-guidelines-3.0',
    title,
    scope: 'Head office',
    date: '2027-04-01',
  });
  assert.equal(await page.locator('main .notice[role=status]').textContent(), 'The assessment was created.');
  assert.equal(await page.locator('main section.req').count(), QUESTIONS);
  assert.match((await progress(page)).text, /^0\/40 answered/);
  assert.equal((await page.locator('label[for=st-0]').textContent()).trim(), 'Implementation status');
  assert.equal((await page.locator('label[for=m-0]').textContent()).trim(), 'Maturity level');
  // The maturity levels carry their descriptors, 0 to 5.
  const levels = await page.locator('#m-0 option').allTextContents();
  assert.equal(levels.length, 7);
  assert.match(levels[1], /^0 – /);
  assert.match(levels[6], /^5 – /);

  // Three questions answered in the page: each change is saved on its own.
  for (const [idx, status, level] of [
    [0, 'partial', '2'],
    [1, 'implemented', '4'],
    [4, 'not_implemented', '0'],
  ]) {
    await saving(page, () => page.locator(`#st-${idx}`).selectOption(status));
    await saving(page, () => page.locator(`#m-${idx}`).selectOption(level));
    await waitSaved(page, idx, /Saved/);
  }
  await page.locator('#progress-text').filter({ hasText: /^3\/40 / }).waitFor();
  // A maturity without a status is fine; a status of "not answered" again is explained.
  await saving(page, () => page.locator('#st-4').selectOption(''));
  const refused = page.locator('#saved-4 [role=alert]');
  await refused.waitFor();
  assert.match(await refused.textContent(), /^The answer was not saved: choose an implementation status/);
  await saving(page, () => page.locator('#st-4').selectOption('not_implemented'));
  await waitSaved(page, 4, /Saved/);

  // Results after three answers: directive 1 (Q1-1 at 2, Q1-2 at 4) and directive 2 (Q2-1 at 0).
  await Promise.all([page.waitForURL(`**/assessments/${id}/results`), page.locator('[data-testid=assess-results]').click()]);
  let s = await scores(page);
  // Each directive is named with its title from the catalog.
  assert.equal(s['Directive 1 Recognise cyber risk; set an organisation-wide security policy.'], '3.0 (2/4)');
  assert.equal(directive(s, 2), '0.0 (1/4)');
  let r = await radar(page);
  assert.equal(r.axes, DIRECTIVES, 'one radar axis per directive');
  assert.equal(r.labels['Directive 1'], '3');
  assert.equal(r.labels['Directive 3'], '–');

  // Export the answers as XLSX from the answer page.
  await page.goto(`/assessments/${id}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const exported = path.join(tmp, 'exported.xlsx');
  await download.saveAs(exported);
  // The answers given in the page are in the file.
  const check = new ExcelJS.Workbook();
  await check.xlsx.readFile(exported);
  const first = check.getWorksheet('Answers').getRow(2);
  assert.equal(first.getCell(1).value, 'Q1-1');
  assert.equal(first.getCell(4).value, 'partial');
  assert.equal(Number(first.getCell(6).value), 2);
  assert.equal(check.getWorksheet('Meta').getCell('B1').value, id);

  // A workbook with a maturity outside 0–5 is refused as a whole, with the cell named.
  const bad = path.join(tmp, 'bad.xlsx');
  const b = await fillWorkbook(exported, bad, { badMaturityFor: 'Q7-2' });
  assert.equal(b.filled, QUESTIONS);
  let response = await importFile(page, bad);
  assert.equal(response.status(), 422);
  assert.equal(await page.locator('main [role=alert]').isVisible(), true);
  const issues = await page.locator('[data-testid=import-issues] li').allTextContents();
  assert.equal(issues.length, 1, issues.join('\n'));
  assert.match(issues[0], new RegExp(`^Answers!${b.maturityColumn}${b.badRow}: `));
  await Promise.all([page.waitForURL(`**/assessments/${id}`), page.locator('main a', { hasText: title }).click()]);
  assert.match((await progress(page)).text, /^3\/40 /, 'nothing was imported');

  // The corrected workbook is imported; the page shows every imported answer.
  const good = path.join(tmp, 'good.xlsx');
  await fillWorkbook(exported, good);
  response = await importFile(page, good);
  assert.equal(response.status(), 303);
  assert.equal(await page.locator('main .notice[role=status]').textContent(), 'The answers were imported.');
  const p = await progress(page);
  assert.deepEqual([p.value, p.max], [QUESTIONS, QUESTIONS]);
  assert.match(p.text, /^40\/40 answered/);
  await page.reload();
  assert.equal(await page.locator('#st-0').inputValue(), 'implemented');
  assert.equal(await page.locator('#m-0').inputValue(), '5');
  assert.equal(await page.locator('#n-0').inputValue(), 'Board reviews the cyber risk register every quarter');
  assert.equal(await page.locator('#o-0').inputValue(), 'CISO office');
  assert.equal(await page.locator('#st-4').inputValue(), 'implemented');
  assert.equal(await page.locator(`#m-${QUESTIONS - 1}`).inputValue(), '3');

  // The scores follow the workbook, directive by directive.
  await page.goto(`/assessments/${id}/results`);
  s = await scores(page);
  assert.equal(s['Overall mean maturity'], '3.3 / 5');
  r = await radar(page);
  assert.equal(r.axes, DIRECTIVES);
  LEVELS.forEach((level, i) => {
    assert.equal(directive(s, i + 1), `${level}.0 (4/4)`);
    assert.equal(r.labels[`Directive ${i + 1}`], String(level));
  });
  // The trend: the demo's 2024–2026 assessments and this one, last.
  const trend = await trendPoints(page);
  assert.ok(trend.points >= 4, `the trend has the demo's three points and this one, not ${trend.points}`);
  assert.equal(trend.dates.at(-1), '2027-04-01');
  assert.ok(trend.dates.includes('2024-04-01'));

  // The README's screenshot of the results: scores, radar and trend side by side at 1280×800.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('main h1').scrollIntoViewIfNeeded();
  const target = process.env.MAMORI_ASSESS_SCREENSHOT || path.join(tmp, 'assessment.png');
  const png = await page.screenshot({ path: target });
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.ok(await page.locator('[data-testid=radar] svg').isVisible());
  const box = await page.locator('[data-testid=radar] svg').boundingBox();
  assert.ok(box && box.y + box.height <= 800, 'the radar is in the first screen of the results');

  if (startedIn !== 'en') {
    await submit(page, '[data-testid=lang-ja]');
    assert.equal(await page.locator('html').getAttribute('lang'), startedIn);
  }
  assert.deepEqual(unexpectedProblems(ctx, [422]), []);
  await ctx.close();
});
