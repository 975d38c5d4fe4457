// The browser UI's performance: first load of the pathway view (JavaScript
// and CSS transferred, gzip as served; time until the view is usable) and
// the time from a measure edit to the updated chart, measured in the page
// with the Performance API. Debian's chromium via playwright-core.
// Usage: node bench/ui.mjs   (ILMAVA_BIN names the binary; RUNS, default 5)
// SPDX-License-Identifier: AGPL-3.0-or-later
import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.ILMAVA_BIN || path.join(root, 'build/ilmava');
const RUNS = Number(process.env.RUNS || 5);
const {chromium} = createRequire(path.join(root, 'package.json'))('playwright-core');

const dir = mkdtempSync(path.join(tmpdir(), 'ilmava-uibench-'));
const db = path.join(dir, 'b.db');
const PW = 'bench-password-901-x';
execFileSync(BIN, ['--db', db, '--create', 'demo']);
execFileSync(BIN, ['--db', db, 'user', 'add', 'b@x.fi', '--role', 'editor', '--municipality', '901', '--password-stdin'], {input: PW + '\n'});
const server = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0'], {stdio: ['ignore', 'pipe', 'pipe']});
const base = await new Promise((resolve, reject) => {
  let text = '';
  const on = (d) => { text += d; const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(text); if (m) resolve(`http://127.0.0.1:${m[1]}`); };
  server.stdout.on('data', on); server.stderr.on('data', on);
  setTimeout(() => reject(new Error('no server')), 10000);
});
const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu']});
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
try {
  const login = await browser.newContext();
  const lp = await login.newPage();
  await lp.goto(base + '/');
  await lp.fill('#login-email', 'b@x.fi');
  await lp.fill('#login-password', PW);
  await lp.click('button[type=submit]');
  await lp.waitForSelector('[data-testid=scope-total]');
  const cookies = await login.cookies();
  await login.close();

  const loads = [], bytes = [], edits = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext(); // a cold cache each run
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    const responses = [];
    page.on('requestfinished', async (req) => {
      const type = req.resourceType();
      if (type === 'script' || type === 'stylesheet') responses.push(req.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    });
    await page.goto(`${base}/#/m/901/plans/1/pathway`);
    await page.waitForSelector('[data-testid=kf-gap]');
    await page.waitForSelector('input[data-measure]');
    const usable = await page.evaluate(() => performance.getEntriesByName('ilmava-view-ready').pop().startTime);
    loads.push(usable);
    bytes.push((await Promise.all(responses)).reduce((a, b) => a + b, 0));
    const input = page.locator('input[data-measure=landfill-gas]');
    await input.fill(String(40 + i));
    await input.press('Tab');
    await page.waitForFunction((n) => document.querySelector('[data-testid=update-timing]').textContent && window.__ilmavaLastUpdateMs !== undefined, i);
    edits.push(await page.evaluate(() => window.__ilmavaLastUpdateMs));
    await ctx.close();
  }
  console.log(`runs: ${RUNS}`);
  console.log(`first load, JS + CSS transferred: ${(median(bytes) / 1024).toFixed(1)} KiB (median; budget 300 KB)`);
  console.log(`first load, time to usable pathway view: ${median(loads).toFixed(0)} ms (median, max ${Math.max(...loads).toFixed(0)}; budget 1000 ms)`);
  console.log(`measure edit to updated chart: ${median(edits).toFixed(1)} ms (median, max ${Math.max(...edits).toFixed(1)}; budget 200 ms)`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(dir, {recursive: true, force: true});
}
