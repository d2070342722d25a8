// The README's screenshot: the demo owner's dashboard in English at 1280×800, taken last so
// that the recent activity shows what the other tests did. Written to $MAMORI_SCREENSHOT
// when set (e.g. docs/screenshot.png), otherwise to a temporary file that is checked only.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DEMO_PASSWORD, LEAD_ORG, OWNER, launch, loginOk, newContext, submit, unexpectedProblems } from '../lib/harness.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the dashboard renders in English at 1280×800 for the README screenshot', async () => {
  const ctx = await newContext(browser, { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await loginOk(page, OWNER, DEMO_PASSWORD);
  const wasJapanese = (await page.locator('html').getAttribute('lang')) === 'ja';
  if (wasJapanese) {
    await submit(page, '[data-testid=lang-en]');
  }
  assert.equal(await page.locator('main h1').textContent(), 'Dashboard');
  assert.equal(await page.locator('[data-testid=current-org]').textContent(), LEAD_ORG);
  // The bars are sized by app.js once the page has loaded.
  await page.waitForFunction(() => [...document.querySelectorAll('.bar .fill span')].every((s) => s.style.width));
  await page.mouse.move(0, 799);

  const target = process.env.MAMORI_SCREENSHOT
    ? path.resolve(process.env.MAMORI_SCREENSHOT)
    : path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'mamori-shot-')), 'dashboard.png');
  const png = await page.screenshot({ path: target });
  // A PNG of exactly 1280×800 (width and height sit in the IHDR chunk).
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 1280);
  assert.equal(png.readUInt32BE(20), 800);
  if (!process.env.MAMORI_SCREENSHOT) {
    await fs.rm(path.dirname(target), { recursive: true, force: true });
  }

  if (wasJapanese) {
    await submit(page, '[data-testid=lang-ja]');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  }
  assert.deepEqual(unexpectedProblems(ctx), []);
  await ctx.close();
});
