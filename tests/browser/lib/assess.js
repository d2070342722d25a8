// Helpers shared by the self-assessment flows (tests 12–14).

import assert from 'node:assert/strict';

import { submit } from './harness.js';

/**
 * Creates an assessment through /assessments/new as a person would: the framework whose
 * option value starts with `frameworkId@`, a title, a scope name and an assessment date.
 * Returns the new assessment's id, read from the answer page it lands on.
 */
export async function createAssessment(page, { frameworkId, title, scope, date }) {
  await page.goto('/assessments');
  await Promise.all([page.waitForURL('**/assessments/new'), page.locator('[data-testid=assess-new]').click()]);
  const option = page.locator(`#framework option[value^="${frameworkId}@"]`);
  assert.equal(await option.count(), 1, `the framework ${frameworkId} is offered`);
  await page.locator('#framework').selectOption(await option.getAttribute('value'));
  await page.locator('#title').fill(title);
  await page.locator('#scope_name').fill(scope);
  if (date) {
    await page.locator('#assessed_on').fill(date);
  }
  const response = await submit(page, '[data-testid=assess-create]');
  assert.equal(response.status(), 303, 'creating the assessment redirects to its answer page');
  const m = /^\/assessments\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname);
  assert.ok(m, `landed on an answer page, not ${page.url()}`);
  assert.equal((await page.locator('main h1').textContent()).trim(), title);
  return m[1];
}

/**
 * Runs `action` (a key press, a selection) and waits for the autosave request it causes
 * (htmx posting the question's form) to be answered; returns that response.
 */
export async function saving(page, action) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/assessments\/[^/]+\/answer$/.test(new URL(r.url()).pathname),
    ),
    action(),
  ]);
  return response;
}

/**
 * Waits until the autosave status of requirement row `idx` shows `expected` (a regex), the
 * answer having been sent by htmx when a field changed.
 */
export async function waitSaved(page, idx, expected) {
  const status = page.locator(`#saved-${idx}`);
  await status.filter({ hasText: expected }).waitFor();
  return (await status.textContent()).trim();
}

/** The "answered/total" counter above the questions, and the <progress> element's value. */
export async function progress(page) {
  const text = (await page.locator('#progress-text').textContent()).trim();
  const value = Number(await page.locator('#progress').getAttribute('value'));
  const max = Number(await page.locator('#progress').getAttribute('max'));
  return { text, value, max };
}

/** The rows of the scores table on a results page, as { label: value }. */
export async function scores(page) {
  const rows = await page.locator('[data-testid=scores] tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent.trim(), tr.querySelector('td')?.textContent.trim()]),
  );
  return Object.fromEntries(rows);
}

/** The number of points drawn on the trend chart, and their date labels. */
export async function trendPoints(page) {
  const svg = page.locator('[data-testid=trend] svg');
  const points = await svg.locator('circle').count();
  const dates = await svg
    .locator('text')
    .evaluateAll((ts) => ts.map((t) => t.textContent.trim()).filter((s) => /^\d{4}-\d{2}-\d{2}$/.test(s)));
  return { points, dates };
}
