// What the browser tests share: the skip rules, steps and checks, a fresh
// store, the server on an ephemeral port, the browser, pages that collect
// console errors and CSP violations, and screenshots.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const SKIP = 77;
const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const BIN = process.env.ILMAVA_BIN || path.join(root, 'build/ilmava');
const CHROMIUM = process.env.ILMAVA_CHROMIUM || '/usr/bin/chromium';
export const PW = 'correct-horse-battery-901';

/** playwright-core's chromium, or exit 77 (skipped) saying what is missing. */
export function requireBrowser() {
  if (!existsSync(CHROMIUM)) { console.log(`# skipped: ${CHROMIUM} is missing (scripts/install-deps.sh check installs it)`); process.exit(SKIP); }
  if (!existsSync(BIN)) { console.log(`# skipped: no ilmava binary at ${BIN}`); process.exit(SKIP); }
  try {
    return createRequire(path.join(root, 'package.json'))('playwright-core').chromium;
  } catch {
    console.log('# skipped: node_modules/playwright-core is missing (scripts/npm-deps.sh installs it)');
    process.exit(SKIP);
  }
  return null;
}

/* ---- steps, checks and the summary ---- */
let passed = 0, failed = 0;
export async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 6)) console.log(`#   ${line}`);
  }
}
export function check(cond, msg) { if (!cond) throw new Error(msg); }
/** Prints the counts; the exit code to use. */
export function summary(out) {
  console.log(`# screenshots: ${out}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

/** A fresh store in a temporary folder, with the demo data. */
export function freshStore(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const db = path.join(dir, 'e2e.db');
  const ilmava = (args, input) => execFileSync(BIN, ['--db', db, ...args], {input, encoding: 'utf8'});
  ilmava(['--create', 'demo']);
  const addUser = (email, role, code) => ilmava(['user', 'add', email, '--role', role,
    ...(code ? ['--municipality', code] : []), '--password-stdin'], PW + '\n');
  return {dir, db, ilmava, addUser, remove: () => rmSync(dir, {recursive: true, force: true})};
}

/** `ilmava serve` on an ephemeral port; resolves to {server, base}. */
export async function startServer(db) {
  const server = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--threads', '4'], {stdio: ['ignore', 'pipe', 'pipe']});
  const base = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('the server did not start: ' + text)), 10000);
    const onData = (d) => {
      text += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (c) => reject(new Error(`the server exited (${c}): ${text}`)));
  });
  return {server, base};
}

/**
 * The browser and a page maker. Pages log console errors (but for the
 * failed loads of `allowed` statuses, refusals the tests provoke), page
 * errors and CSP violations into `problems`; `on404` also logs responses
 * with 404 but for the favicon.
 */
export async function openBrowser(chromium, out, {allowed = '401|403|404|422', on404 = false} = {}) {
  mkdirSync(out, {recursive: true});
  const browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const problems = [];
  const refusal = new RegExp(`^Failed to load resource: the server responded with a status of (${allowed})`);
  async function newPage(viewport = {width: 1280, height: 900}) {
    const context = await browser.newContext({viewport, locale: 'fi-FI'});
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !refusal.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    if (on404)
      page.on('response', (r) => { if (r.status() === 404 && !r.url().endsWith('/favicon.ico')) problems.push(`404: ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return {context, page};
  }
  const shot = (page, name) => page.screenshot({path: path.join(out, `${name}.png`), fullPage: true});
  return {browser, problems, newPage, shot};
}
