// Flow 14: the PDF report of an assessment, in Japanese and in English. From the results page
// of a demo Guidelines assessment the owner follows "PDF (日本語)" and "PDF (English)": each
// download is a PDF carrying the assessment's title and the report's headings in the right
// language (checked with pdftotext when poppler-utils is installed, as in CI), and its first
// page renders with ink on it (pdftoppm).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, OWNER, launch, loginOk, newContext, unexpectedProblems } from '../lib/harness.js';

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mamori-pdf-'));
});
after(async () => {
  await browser?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

function have(tool) {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Share of non-white samples on page 1, rendered at 30 dpi as a binary PPM. */
function inkOnFirstPage(file) {
  const ppm = execFileSync('pdftoppm', ['-r', '30', '-f', '1', '-l', '1', file]);
  // Header: "P6\n<w> <h>\n255\n".
  let offset = 0;
  for (let fields = 0; fields < 4; offset++) {
    if (ppm[offset] === 0x0a || ppm[offset] === 0x20) fields++;
  }
  let dark = 0;
  for (let i = offset; i + 2 < ppm.length; i += 3) {
    if (ppm[i] + ppm[i + 1] + ppm[i + 2] < 600) dark++;
  }
  return dark / ((ppm.length - offset) / 3);
}

test('the PDF report of an assessment downloads in Japanese and English and renders', async () => {
  const ctx = await newContext(browser, { acceptDownloads: true });
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  await page.goto('/assessments');
  // A demo Guidelines assessment of the lead company.
  const row = page.locator('tr', { hasText: /Guidelines|ガイドライン/ }).first();
  await row.locator('a').first().click();
  const id = new URL(page.url()).pathname.split('/')[2];
  await page.goto(`/assessments/${id}/results`);
  const title = (await page.locator('h1').innerText()).split(/:\s*|：\s*/).slice(1).join(': ').trim();
  assert.ok(title.length > 0, 'the results page names the assessment');

  for (const [label, lang, heading] of [
    ['PDF (日本語)', 'ja', '回答一覧'],
    ['PDF (English)', 'en', 'Answers'],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
    assert.equal(download.suggestedFilename(), `assessment-${id}.${lang}.pdf`);
    const file = path.join(tmp, `${lang}.pdf`);
    await download.saveAs(file);
    const bytes = await fs.readFile(file);
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', `${lang}: a PDF`);
    assert.ok(bytes.length < 600_000, `${lang}: the embedded font is a subset (${bytes.length} bytes)`);
    if (have('pdftotext')) {
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
      assert.ok(text.includes(title), `${lang}: the title "${title}" is in the text`);
      assert.ok(text.includes(heading), `${lang}: the heading "${heading}" is in the text`);
    } else {
      console.log('skipped: pdftotext is not installed (Debian package poppler-utils)');
    }
    if (have('pdftoppm')) {
      const ink = inkOnFirstPage(file);
      assert.ok(ink > 0.01, `${lang}: page 1 renders with text and charts (ink ${ink.toFixed(3)})`);
    }
  }
  assert.deepEqual(unexpectedProblems(ctx), []);
  await ctx.close();
});
