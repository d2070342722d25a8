// Shared helpers for the browser tests: Chromium, contexts that record console errors,
// login through the form, TOTP codes and one-time links read from the server log.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; run the tests through tests/browser/run.sh`);
  }
  return value;
}

/** The server under test, without a trailing slash. */
export const BASE = required('MAMORI_URL').replace(/\/+$/, '');
/** The password of every demo account. */
export const DEMO_PASSWORD = required('MAMORI_DEMO_PASSWORD');
/** The demo's lead-manufacturer owner, whose interface language is Japanese. */
export const OWNER = 'owner@sakura-motors.example';
export const LEAD_ORG = 'Sakura Motors Co., Ltd.';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Debian's Chromium. Playwright gives every launch a fresh temporary profile
 * (`--user-data-dir=/tmp/playwright_chromiumdev_profile-…`) and deletes it on close.
 */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.MAMORI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/**
 * A new, empty browser context (its own cookies) in English at 1280×800. Every page opened
 * in it records console errors, uncaught exceptions and CSP violations in `ctx.problems`.
 */
export async function newContext(browser, options = {}) {
  const ctx = await browser.newContext({
    baseURL: BASE,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  ctx.setDefaultTimeout(10_000);
  ctx.setDefaultNavigationTimeout(15_000);
  ctx.problems = [];
  ctx.on('page', (page) => watch(page, ctx.problems));
  return ctx;
}

function watch(page, problems) {
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(text)) {
      const source = msg.location()?.url;
      const from = source && source !== page.url() ? ` [${source}]` : '';
      problems.push(`console ${msg.type()} on ${page.url()}: ${text}${from}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
}

/**
 * The problems recorded in a context, less the "Failed to load resource" lines that
 * Chromium prints for documents answered with one of `expectedStatuses` (for example the
 * 422 of a form sent back with inline errors).
 */
export function unexpectedProblems(ctx, expectedStatuses = []) {
  return ctx.problems.filter((p) => {
    const m = /Failed to load resource: the server responded with a status of (\d{3})/.exec(p);
    return !(m && expectedStatuses.includes(Number(m[1])));
  });
}

/** A name that no other test run uses. */
export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * Submits a form by clicking `button` (a selector or a locator) and returns the response to the form's own request
 * (before any redirect is followed), after the resulting page has loaded.
 */
export async function submit(page, button, { method = 'POST' } = {}) {
  const target = typeof button === 'string' ? page.locator(button) : button;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && r.request().isNavigationRequest()),
    target.click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/**
 * Logs in through the form on /login, exactly as a person would. The server limits login
 * attempts per address (a burst of 10, then 10 a minute); when it answers 429 this waits
 * for the Retry-After it names and tries again. Returns the status of the final attempt
 * (303 on success).
 */
export async function login(page, email, password, { totp } = {}) {
  for (let attempt = 0; attempt < 6; attempt += 1) {
    await page.goto('/login');
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    if (totp !== undefined) {
      await page.locator('#totp').fill(typeof totp === 'function' ? totp() : totp);
    }
    const response = await submit(page, 'main form[action="/login"] button[type=submit]');
    if (response.status() !== 429) {
      return response.status();
    }
    const wait = Number((await response.allHeaders())['retry-after'] || '6');
    process.stderr.write(`# login rate-limited by the server; retrying in ${wait} s\n`);
    await sleep((Math.min(Math.max(wait, 1), 60) + 0.5) * 1000);
  }
  throw new Error(`login for ${email} was still rate-limited after 6 attempts`);
}

/** Logs in and checks that it worked: the dashboard is shown. */
export async function loginOk(page, email, password, options) {
  const status = await login(page, email, password, options);
  assert.equal(status, 303, `login of ${email} should redirect to the dashboard`);
  assert.equal(new URL(page.url()).pathname, '/');
}

/** Creates an account (and its first organization) through /signup. */
export async function signup(page, { name, email, password, org, lang = 'en' }) {
  await page.goto('/signup');
  await page.locator('#name').fill(name);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#org_name').fill(org);
  await page.locator('#lang').selectOption(lang);
  const response = await submit(page, 'main form[action="/signup"] button[type=submit]');
  assert.equal(response.status(), 303, 'sign-up should redirect to the dashboard');
  assert.equal(new URL(page.url()).pathname, '/');
}

/** Logs out with the header button and checks that the login page is shown. */
export async function logout(page) {
  const response = await submit(page, '[data-testid=logout]');
  assert.equal(response.status(), 303);
  assert.equal(new URL(page.url()).pathname, '/login');
}

// --- TOTP (RFC 6238 over RFC 4226 HOTP), written out so the test checks the server ---

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored). */
export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) {
      throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    }
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The HOTP value of `key` at `counter` with HMAC-SHA1, truncated to `digits`. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

/** The TOTP code (30 s steps, 6 digits, SHA-1) of a base32 secret at `unixSeconds`. */
export function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  return hotp(base32Decode(secretBase32), Math.floor(unixSeconds / 30));
}

// --- the server log, where --dev writes e-mails instead of sending them ---

/** The server's log so far, without terminal colour codes. */
export async function serverLog() {
  const text = await fs.readFile(required('MAMORI_SERVER_LOG'), 'utf8');
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/**
 * Waits for the log line of the e-mail sent to `to` that carries a link containing `path`,
 * and returns that link. Returns null when none appears within `timeoutMs`.
 */
export async function linkFromLog(to, path, timeoutMs = 3000) {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`https?://[^\\s"\\\\]+${escaped}[A-Za-z0-9_-]+`, 'g');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = (await serverLog()).split('\n').filter((l) => l.includes(to) && l.includes(path));
    const last = lines.at(-1);
    if (last) {
      const links = last.match(pattern);
      if (links) {
        return links.at(-1);
      }
    }
    if (Date.now() > deadline) {
      return null;
    }
    await sleep(100);
  }
}

/** Calls the REST API with a bearer token and returns the response. */
export async function api(path, token, init = {}) {
  return fetch(`${BASE}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(init.headers || {}) },
  });
}
