// Flow 15, issue #5 end to end as new users meet it: the lead buyer (Sakura Motors, in
// Japanese) invites a supplier that has no account; the supplier accepts in a browser of its
// own, answers the SCS ★3 self-assessment once (a few criteria in the page, evidence attached,
// the rest through the XLSX round trip), passes it through its lifecycle and asks for a ★3
// attestation; the demo's expert reviewer (Kanto Security Assurance) countersigns it on
// /reviews; the supplier shares it with two buyers (Sakura with evidence, Minato Electronics
// with answers only) and later stops sharing with Minato. Both buyers' dashboards and their
// "Shared with you" lists follow each step; after the revocation Minato sees "Revoked" and
// can no longer open the result, while Sakura still can.
//
// The steps are separate tests that share the browsers, so each has its own time budget;
// they run in order and each one needs the previous ones.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import ExcelJS from 'exceljs';

import { createAssessment, progress, saving, scores, waitSaved } from '../lib/assess.js';
import {
  BASE,
  DEMO_PASSWORD,
  OWNER,
  launch,
  linkFromLog,
  loginOk,
  newContext,
  submit,
  unexpectedProblems,
  unique,
} from '../lib/harness.js';

// The demo's second buyer and its expert reviewer (crates/store/src/demo.rs, chain/demo.rs).
const SECOND_BUYER = 'owner@minato-electronics.example';
const SECOND_BUYER_SLUG = 'minato-electronics';
const LEAD_SLUG = 'sakura-motors';
const REVIEWER = 'assessor@kanto-assurance.example';
const REVIEWER_SLUG = 'kanto-assurance';
// SCS ★3: 81 evaluation criteria, every one of which must be met.
const STAR3_CRITERIA = 81;

let browser;
let tmp;
const ctx = {};
const page = {};
// What the steps hand on to each other.
const flow = {
  supplierName: unique('Walkthrough Parts '),
  supplierEmail: `${unique('supplier-')}@example.com`,
  evidenceName: 'incident-contact-list.txt',
};

before(async () => {
  browser = await launch();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'mamori-chain-'));
  for (const who of ['lead', 'supplier', 'reviewer', 'second']) {
    ctx[who] = await newContext(browser, { acceptDownloads: true });
    page[who] = await ctx[who].newPage();
  }
});
after(async () => {
  for (const c of Object.values(ctx)) {
    await c.close();
  }
  await browser?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A buyer's dashboard row of the walkthrough's supplier, found with the search field. */
async function dashboardStatus(p) {
  await p.goto('/supply');
  await p.locator('#f-q').fill(flow.supplierName);
  await Promise.all([p.waitForURL(/\/supply\?/), p.locator('main form.filters button').click()]);
  const rows = p.locator('[data-testid=direct] tbody tr');
  assert.equal(await rows.count(), 1, `exactly one row for ${flow.supplierName}`);
  return (await rows.first().locator('[data-testid=status]').textContent()).trim();
}

/** The "Shared with you" rows of the walkthrough's supplier on a buyer's /attestations. */
async function receivedRows(p) {
  await p.goto('/attestations');
  return p.locator('[data-testid=received] tbody tr').filter({ hasText: flow.supplierName });
}

/** The date `days` from today, as an <input type=date> value. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('the lead buyer invites a supplier without an account, who accepts and sees the request', async () => {
  const p = page.lead;
  await loginOk(p, OWNER, DEMO_PASSWORD);
  if ((await p.locator('html').getAttribute('lang')) !== 'ja') {
    await submit(p, '[data-testid=lang-ja]');
  }
  assert.equal(await p.locator('html').getAttribute('lang'), 'ja');

  await p.goto('/supply');
  const form = p.locator('main form[action="/supply/invite"]');
  await form.locator('#i-email').fill(flow.supplierEmail);
  await form.locator('#i-name').fill(flow.supplierName);
  await form.locator('#i-supplied').fill('ワイヤーハーネス');
  await form.locator('#i-level').selectOption('star3');
  await form.locator('#i-deadline').fill(inDays(60));
  const response = await submit(p, '[data-testid=invite-supplier]');
  assert.equal(response.status(), 200);
  const link = (await p.locator('[data-testid=supplier-invite-link]').textContent()).trim();
  assert.ok(link.startsWith(`${BASE}/chain/invite/`), `the link points at this server: ${link}`);
  // The same link went out by e-mail (logged by the --dev server).
  assert.equal(await linkFromLog(flow.supplierEmail, '/chain/invite/'), link);
  // Until the supplier accepts, the invitation is listed apart from the suppliers.
  await p.goto('/supply');
  const pending = p.locator('[data-testid=pending-invitations] tbody tr').filter({ hasText: flow.supplierName });
  assert.equal(await pending.count(), 1);
  assert.match(await pending.textContent(), new RegExp(escape(flow.supplierEmail)));
  assert.equal(await p.locator('[data-testid=direct] tbody tr').filter({ hasText: flow.supplierName }).count(), 0);

  // The supplier, in a browser of its own, with no account yet.
  const s = page.supplier;
  await s.goto(link);
  const summary = await s.locator('[data-testid=invite-summary]').textContent();
  assert.match(summary, /Sakura Motors/);
  assert.match(summary, /★3/);
  assert.match(await s.locator('main').textContent(), new RegExp(escape(flow.supplierEmail)));
  assert.equal(await s.locator('#ci-org').inputValue(), flow.supplierName);
  await s.locator('#ci-name').fill('Walkthrough Supplier Owner');
  await s.locator('#ci-pw').fill('supplier-password-1');
  const accepted = await submit(s, '[data-testid=accept]');
  assert.equal(accepted.status(), 303);
  assert.equal(new URL(s.url()).pathname, '/attestations');
  assert.equal(await s.locator('[data-testid=current-org]').textContent(), flow.supplierName);
  // Sakura's request is waiting, with Sakura's short ID for sharing later.
  const request = s.locator('[data-testid=requests] tbody tr').filter({ hasText: 'Sakura Motors' });
  assert.equal(await request.count(), 1);
  assert.match(await request.textContent(), new RegExp(`\\(${LEAD_SLUG}\\)`));
  assert.match(await request.textContent(), /★3/);
  // The supplier's own short ID, which buyers need to add it.
  flow.supplierSlug = (await s.locator('[data-testid=own-slug]').textContent()).trim();
  assert.match(flow.supplierSlug, /^[a-z0-9-]+$/);

  // The buyer now has the supplier on the dashboard, with the request open, and no
  // invitation waiting any more.
  assert.equal(await dashboardStatus(p), '依頼中');
  assert.equal(await p.locator('[data-testid=pending-invitations] tbody tr').filter({ hasText: flow.supplierName }).count(), 0);
  // The link works once only.
  const again = await newContext(browser);
  const gone = await (await again.newPage()).goto(link);
  assert.equal(gone.status(), 404);
  assert.deepEqual(unexpectedProblems(again, [404]), []);
  await again.close();
});

test('the supplier answers SCS ★3 once (in the page, with evidence, and by XLSX) and submits it', async () => {
  const s = page.supplier;
  const title = 'SCS ★3 self-assessment';
  flow.assessmentId = await createAssessment(s, {
    frameworkId: 'meti-scs-evaluation',
    title,
    scope: 'Whole company',
  });
  const id = flow.assessmentId;
  assert.equal(await s.locator('[data-testid=assess-state]').textContent(), 'Draft');
  const questions = await s.locator('main section.req').count();
  assert.ok(questions >= STAR3_CRITERIA, `at least the ${STAR3_CRITERIA} ★3 criteria are asked, not ${questions}`);
  let p = await progress(s);
  assert.deepEqual([p.value, p.max], [0, questions]);

  // Three answers in the page, each saved by htmx as it changes.
  for (const idx of [0, 1, 2]) {
    await saving(s, () => s.locator(`#st-${idx}`).selectOption('implemented'));
    await waitSaved(s, idx, /Saved/);
  }
  await s.locator('#progress-text').filter({ hasText: new RegExp(`^3/${questions} `) }).waitFor();
  // Evidence for the second one.
  const r1 = s.locator('#r-1');
  await r1.locator('details.evidence summary').click();
  await r1.locator('#f-1').setInputFiles({
    name: flow.evidenceName,
    mimeType: 'text/plain',
    buffer: Buffer.from(`Incident contacts, reviewed ${inDays(0)}\nCISO: +81-3-0000-0000\n`, 'utf8'),
  });
  let response = await submit(s, r1.locator('[data-testid=evidence-upload-1]'));
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('#r-1 [data-testid=evidence] li').filter({ hasText: flow.evidenceName }).count(), 1);

  // The rest through the spreadsheet: export, fill every status, import.
  const [download] = await Promise.all([s.waitForEvent('download'), s.locator('[data-testid=export-xlsx]').click()]);
  const exported = path.join(tmp, 'scs.xlsx');
  await download.saveAs(exported);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(exported);
  const ws = wb.getWorksheet('Answers');
  const header = ws.getRow(1).values.slice(1);
  const statusCol = header.indexOf('status') + 1;
  assert.ok(statusCol > 0, `the workbook has a status column: ${header.join(', ')}`);
  let rows = 0;
  ws.eachRow((row, n) => {
    if (n > 1) {
      row.getCell(statusCol).value = 'implemented';
      rows += 1;
    }
  });
  assert.equal(rows, questions);
  const filled = path.join(tmp, 'scs-filled.xlsx');
  await wb.xlsx.writeFile(filled);
  await s.locator('#import-file').setInputFiles(filled);
  response = await submit(s, '[data-testid=import]');
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('main .notice[role=status]').textContent(), 'The answers were imported.');
  p = await progress(s);
  assert.deepEqual([p.value, p.max], [questions, questions]);
  // The evidence attached in the page is still there.
  assert.match(await s.locator('#r-1 details.evidence summary').textContent(), /\(1\)/);

  // Every ★3 criterion is met.
  await Promise.all([s.waitForURL(`**/assessments/${id}/results`), s.locator('[data-testid=assess-results]').click()]);
  assert.equal((await scores(s))['★3 verdict'], `met (${STAR3_CRITERIA}/${STAR3_CRITERIA})`);

  // Lifecycle: review requested, then passed and submitted (an owner may do both; the
  // four-eyes rule applies to approving and sending back).
  await s.goto(`/assessments/${id}`);
  response = await submit(s, '[data-testid=action-request_review]');
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('[data-testid=assess-state]').textContent(), 'In review');
  response = await submit(s, '[data-testid=action-submit]');
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('[data-testid=assess-state]').textContent(), 'Submitted');
  // Four eyes: the author is not offered to approve their own assessment.
  assert.equal(await s.locator('[data-testid=action-approve]').count(), 0);
  // Submitted answers are frozen.
  assert.equal(await s.locator('#import-file').count(), 0);
  assert.equal(await s.locator('#st-0').isDisabled(), true);
});

test('the supplier asks for a ★3 attestation and the expert reviewer countersigns it', async () => {
  const s = page.supplier;
  await s.goto('/attestations');
  const option = s.locator(`[data-testid=attest-assessment] option[value="${flow.assessmentId}"]`);
  assert.equal(await option.count(), 1, 'the submitted SCS assessment can be attested');
  assert.match(await option.textContent(), /SCS ★3 self-assessment/);
  await s.locator('[data-testid=attest-assessment]').selectOption(flow.assessmentId);
  await s.locator('#s-level').selectOption('star3');
  await s.locator('#s-pn').fill('Walkthrough Supplier Owner');
  await s.locator('#s-pt').fill('Representative Director');
  // ★3 without a reviewer is refused on the field.
  await s.locator('#s-rev').fill('');
  let response = await submit(s, '[data-testid=issue]');
  assert.notEqual(response.status(), 303);
  assert.ok(await s.locator('#s-rev ~ .field-err').first().isVisible());
  await s.locator('[data-testid=attest-assessment]').selectOption(flow.assessmentId);
  await s.locator('#s-rev').fill(REVIEWER_SLUG);
  response = await submit(s, '[data-testid=issue]');
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('main .notice[role=status]').textContent(), 'Attestation created.');
  const inReview = s.locator('[data-testid=att-in_review]');
  assert.equal(await inReview.count(), 1);
  assert.match(await inReview.textContent(), /In expert review/);
  assert.match(await inReview.locator('td').first().textContent(), /^★3 · Met$/);
  assert.match(await inReview.textContent(), /meti-scs-evaluation/);
  // Nothing can be shared before the review.
  assert.equal(await s.locator('[data-testid=share]').count(), 0);

  // The expert reviewer's queue.
  const r = page.reviewer;
  await loginOk(r, REVIEWER, DEMO_PASSWORD);
  await r.goto('/reviews');
  const item = r.locator('[data-testid=reviews] tbody tr').filter({ hasText: flow.supplierName });
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), new RegExp(`star3 ${STAR3_CRITERIA}/${STAR3_CRITERIA}`));
  assert.match(await item.textContent(), /Walkthrough Supplier Owner/);
  // The reviewer works in Japanese: the verdict is in Japanese too.
  assert.equal((await item.locator('td').nth(1).textContent()).trim(), '★3 · 適合');
  await item.locator('input[name=reviewer_name]').fill('Dr. Walkthrough Reviewer');
  response = await submit(r, item.locator('[data-testid=approve]'));
  assert.equal(response.status(), 303);
  assert.equal(new URL(r.url()).pathname, '/reviews');
  assert.equal(await r.locator('[data-testid=reviews] tbody tr').filter({ hasText: flow.supplierName }).count(), 0);

  // The supplier now holds an issued, countersigned attestation.
  await s.goto('/attestations');
  const issued = s.locator('[data-testid=att-issued]');
  assert.equal(await issued.count(), 1);
  assert.match(await issued.textContent(), /Issued/);
  const [download] = await Promise.all([s.waitForEvent('download'), issued.locator('[data-testid=envelope]').click()]);
  const envelope = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
  assert.equal(envelope.attestation.subject.name, flow.supplierName);
  assert.equal(envelope.attestation.review?.reviewer_name, 'Dr. Walkthrough Reviewer');
  assert.equal(envelope.signatures.length, 2, 'signed by the supplier and countersigned by the reviewer');
  assert.deepEqual(unexpectedProblems(ctx.reviewer), []);
});

test('the supplier shares with two buyers and both dashboards show ★3', async () => {
  // The second buyer adds the supplier by the short ID it was given.
  const m = page.second;
  await loginOk(m, SECOND_BUYER, DEMO_PASSWORD);
  assert.equal(await m.locator('html').getAttribute('lang'), 'en');
  await m.goto('/supply');
  const add = m.locator('main form[action="/supply/links"]');
  await add.locator('#a-supplier').fill(flow.supplierSlug);
  await add.locator('#a-supplied').fill('Connectors');
  let response = await submit(m, '[data-testid=add-link]');
  assert.equal(response.status(), 303);
  assert.equal(await m.locator('main .notice[role=status]').textContent(), 'Supplier added.');
  assert.equal(await dashboardStatus(m), 'Not requested');
  assert.equal(await (await receivedRows(m)).count(), 0);

  // The supplier shares: with Sakura answers and evidence, with Minato answers only.
  const s = page.supplier;
  for (const [buyer, scope] of [
    [LEAD_SLUG, 'evidence'],
    [SECOND_BUYER_SLUG, 'answers'],
  ]) {
    await s.goto('/attestations');
    const issued = s.locator('[data-testid=att-issued]');
    await issued.locator('input[name=buyer]').fill(buyer);
    await issued.locator('select[name=scope]').selectOption(scope);
    response = await submit(s, issued.locator('[data-testid=share]'));
    assert.equal(response.status(), 303);
    assert.equal(await s.locator('main .notice[role=status]').textContent(), 'Shared.');
  }
  const shares = s.locator('[data-testid=shares] tbody tr');
  assert.equal(await shares.count(), 2);
  assert.match(await shares.filter({ hasText: 'Sakura Motors' }).textContent(), /Summary, answers and evidence.*active/s);
  assert.match(await shares.filter({ hasText: 'Minato' }).textContent(), /Summary and answers.*active/s);
  // Sakura's request is fulfilled by the share.
  assert.match(
    await s.locator('[data-testid=requests] tbody tr').filter({ hasText: 'Sakura Motors' }).textContent(),
    /Fulfilled/i,
  );

  // Sakura (in Japanese): ★3 on the dashboard, and the result with answers and evidence.
  const l = page.lead;
  assert.equal(await dashboardStatus(l), '★3 取得');
  let received = await receivedRows(l);
  assert.equal(await received.count(), 1);
  assert.match(await received.textContent(), /★3/);
  await Promise.all([l.waitForURL(/\/supply\/received\/[^/]+\/result$/), received.locator('[data-testid=open-shared]').click()]);
  flow.leadResult = new URL(l.url()).pathname;
  assert.match(await l.locator('[data-testid=shared-summary]').textContent(), /概要・回答・証跡/);
  assert.equal(await l.locator('[data-testid=shared-answers] tbody tr').count(), await answerCount());
  assert.equal(await l.locator('[data-testid=shared-evidence] tbody tr').filter({ hasText: flow.evidenceName }).count(), 1);

  // Minato: ★3 too, with the answers but no evidence.
  assert.equal(await dashboardStatus(m), 'Attested ★3');
  received = await receivedRows(m);
  assert.equal(await received.count(), 1);
  await Promise.all([m.waitForURL(/\/supply\/received\/[^/]+\/result$/), received.locator('[data-testid=open-shared]').click()]);
  flow.secondResult = new URL(m.url()).pathname;
  assert.match(await m.locator('[data-testid=shared-summary]').textContent(), /Scope: Summary and answers/);
  assert.equal(await m.locator('[data-testid=shared-answers] tbody tr').count(), await answerCount());
  assert.equal(await m.locator('[data-testid=shared-evidence]').count(), 0);
  assert.doesNotMatch(await m.locator('main').textContent(), new RegExp(escape(flow.evidenceName)));
});

/** How many questions the supplier's assessment has (rows of a shared result with answers). */
async function answerCount() {
  if (flow.questions === undefined) {
    const probe = await ctx.supplier.newPage();
    await probe.goto(`/assessments/${flow.assessmentId}`);
    flow.questions = await probe.locator('main section.req').count();
    await probe.close();
  }
  return flow.questions;
}

test('the supplier stops sharing with one buyer: that dashboard shows "Revoked" and the result is gone; the other keeps it', async () => {
  const s = page.supplier;
  await s.goto('/attestations');
  const response = await submit(s, `[data-testid=revoke-share-${SECOND_BUYER_SLUG}]`);
  assert.equal(response.status(), 303);
  assert.equal(await s.locator('main .notice[role=status]').textContent(), 'Share revoked.');
  const shares = s.locator('[data-testid=shares] tbody tr');
  assert.match(await shares.filter({ hasText: 'Minato' }).textContent(), /Revoked/);
  assert.equal(await s.locator(`[data-testid=revoke-share-${SECOND_BUYER_SLUG}]`).count(), 0);
  assert.equal(await s.locator(`[data-testid=revoke-share-${LEAD_SLUG}]`).count(), 1);

  // Minato: revoked on the dashboard, nothing shared any more, the result page is gone.
  const m = page.second;
  assert.equal(await dashboardStatus(m), 'Revoked');
  assert.equal(await (await receivedRows(m)).count(), 0);
  const gone = await m.goto(flow.secondResult);
  assert.equal(gone.status(), 404);
  assert.doesNotMatch(await m.locator('main').textContent(), new RegExp(escape(flow.supplierName)));

  // Sakura keeps ★3 and the result.
  const l = page.lead;
  assert.equal(await dashboardStatus(l), '★3 取得');
  assert.equal(await (await receivedRows(l)).count(), 1);
  const still = await l.goto(flow.leadResult);
  assert.equal(still.status(), 200);
  assert.equal(await l.locator('[data-testid=shared-evidence] tbody tr').filter({ hasText: flow.evidenceName }).count(), 1);

  assert.deepEqual(unexpectedProblems(ctx.lead), []);
  assert.deepEqual(unexpectedProblems(ctx.supplier, [422]), []);
  assert.deepEqual(unexpectedProblems(ctx.second, [404]), []);
});
