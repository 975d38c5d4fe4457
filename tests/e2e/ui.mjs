// End-to-end tests of the browser UI: the real `ilmava serve` on a fresh
// demo store, driven through Debian's chromium by playwright-core (never a
// downloaded browser). Screenshots of each view go to the output folder
// (argument 1, or ILMAVA_E2E_OUT) for a person to look at.
// Usage: node tests/e2e/ui.mjs [OUTDIR]   (ILMAVA_BIN names the binary)
// Exit 0 all passed, 1 a failure, 77 skipped (no chromium or node_modules).
// SPDX-License-Identifier: AGPL-3.0-or-later
import path from 'node:path';

import {requireBrowser, step, check, summary, freshStore, startServer, openBrowser, root, PW} from './lib.mjs';

const OUT = process.argv[2] || process.env.ILMAVA_E2E_OUT || path.join(root, 'build/tests/e2e-screenshots');
const chromium = requireBrowser();
const close = (a, b, tol = 1e-6) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/* ---- a fresh store and the server ---- */
const store = freshStore('ilmava-e2e-');
const {ilmava} = store;
store.addUser('anna@rautaniemi.fi', 'editor', '901');
const plans902 = ilmava(['plan', 'list', '902']);
const plan902 = Number((plans902.split('\n')[1] || '').trim().split(/\s+/)[0]);
const plans901 = ilmava(['plan', 'list', '901']);
const plan901 = Number((plans901.split('\n')[1] || '').trim().split(/\s+/)[0]);
const {server, base} = await startServer(store.db);
// Refusals the tests provoke (401, 403, 404, 422) are logged by the
// browser as failed loads: expected. Anything else is a problem.
// 503: the store fault the tests provoke (below).
const {browser, problems, newPage, shot} = await openBrowser(chromium, OUT, {allowed: '401|403|404|422|503'});
/** The API as the page's session sees it. */
const apiGet = async (page, p) => page.evaluate(async (u) => (await fetch(u)).json(), p);

let {context, page} = await newPage();
try {
  await step('a new user logs in and lands on the industrial town', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('#login-email');
    await shot(page, '01-login');
    await page.fill('#login-email', 'anna@rautaniemi.fi');
    await page.fill('#login-password', PW);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=scope-total]');
    check(page.url().endsWith('#/m/901'), `url is ${page.url()}`);
    const h1 = await page.textContent('h1');
    check(h1.includes('Rautaniemi (demo)'), `heading: ${h1}`);
    check(await page.isVisible('#demo-banner'), 'the demo banner is not visible');
  });

  await step('the overview shows total and non-ETS side by side, with the source', async () => {
    const total = Number(await page.getAttribute('[data-testid=scope-total] .big', 'data-value'));
    const nonEts = Number(await page.getAttribute('[data-testid=scope-non_ets] .big', 'data-value'));
    const hinku = Number(await page.getAttribute('[data-testid=scope-hinku] .big', 'data-value'));
    const inv = await apiGet(page, '/api/municipalities/901/inventory?scope=non_ets');
    const last = inv.totals[inv.totals.length - 1];
    check(close(nonEts, last.t), `non-ETS ${nonEts} != API ${last.t}`);
    check(total > nonEts * 2 && hinku > 0, `total ${total}, non-ETS ${nonEts}, Hinku ${hinku}`);
    const a = await page.locator('[data-testid=scope-total]').boundingBox();
    const b = await page.locator('[data-testid=scope-non_ets]').boundingBox();
    check(Math.abs(a.y - b.y) < 2 && b.x > a.x, 'the scope cards are not side by side');
    const src = await page.textContent('[data-testid=source]');
    check(/demo/i.test(src), `source: ${src}`);
    check(await page.isVisible('[data-testid=chart-inventory] canvas'), 'no inventory chart');
    await shot(page, '02-overview');
  });

  await step('the peer finder on the municipality page, with its reasons', async () => {
    await page.waitForSelector('[data-testid=peers] li[data-peer]');
    const api = await apiGet(page, '/api/municipalities/901/peers?k=5');
    const shown = await page.locator('[data-testid=peers] li[data-peer]').evaluateAll((els) => els.map((e) => e.dataset.peer));
    check(JSON.stringify(shown) === JSON.stringify(api.peers.map((p) => p.code)), `peers ${shown} != API ${api.peers.map((p) => p.code)}`);
    const reasons = await page.locator('[data-testid=peers] li[data-feature]').count();
    check(reasons >= api.peers.length, `${reasons} reasons`);
    const text = await page.textContent('[data-testid=peers]');
    check(!/peers\.|undefined|NaN|null/.test(text), `raw text in the peers: ${text.slice(0, 200)}`);
    check(/samankaltainen|eroaa eniten/.test(text), `no Finnish reasons: ${text.slice(0, 200)}`);
  });

  // ---- issue 13, section 4: per capita without a population ----
  await step('per capita without a population says what is missing and how to bring it in', async () => {
    check(!(await page.isVisible('[data-testid=percapita-missing]')), 'a missing-population note with the population known');
    // The store's inventory as if the register had no population.
    await page.route('**/api/municipalities/901/inventory*', async (route) => {
      const r = await route.fetch();
      const body = await r.json();
      body.totals.forEach((x) => { x.per_capita = null; });
      await route.fulfill({response: r, json: body});
    });
    await page.reload();
    await page.waitForSelector('[data-testid=percapita-missing]');
    const dd = await page.textContent('[data-testid=percapita-total]');
    check(!/–\s*t/.test(dd) && /ei laskettavissa/.test(dd), `per capita shows ${dd}`);
    const note = await page.textContent('[data-testid=percapita-missing]');
    check(/väkiluku/.test(note) && /import municipalities/.test(note), `note: ${note}`);
    await page.unroute('**/api/municipalities/901/inventory*');
    await page.reload();
    await page.waitForSelector('[data-testid=scope-total]');
    check(/\d/.test(await page.textContent('[data-testid=percapita-total]')), 'per capita not back');
  });

  await step('sets a target', async () => {
    await page.click(`a[href="#/m/901/plans/${plan901}/pathway"]`);
    await page.click('a[data-tab=target]');
    await page.waitForSelector('[data-testid=target-form]');
    const before = await apiGet(page, `/api/plans/${plan901}`);
    await page.fill('#tg-reduction', '75');
    await page.selectOption('#tg-target_year', {}).catch(() => {});
    await page.fill('#tg-target_year', '2035');
    const shown = Number(await page.getAttribute('[data-testid=target-value-non_ets]', 'data-value'));
    const inv = await apiGet(page, '/api/municipalities/901/inventory?scope=non_ets');
    const b2007 = inv.totals.find((x) => x.year === 2007).t;
    check(close(shown, 0.25 * b2007), `target value ${shown} != ${0.25 * b2007}`);
    check(await page.isVisible('[data-testid=target-value-total]'), 'the target with ETS is not shown');
    await page.click('[data-testid=save-target]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=save-status]').textContent));
    const after = await apiGet(page, `/api/plans/${plan901}`);
    check(after.target.reduction === 0.75 && after.version === before.version + 1,
      `stored ${JSON.stringify(after.target)} v${after.version}`);
    await shot(page, '03-target');
  });

  await step('a store fault (503 store_busy) is shown in the user\'s language, nothing saved', async () => {
    const url = `**/api/plans/${plan901}`;
    await page.route(url, (route) => (route.request().method() === 'PUT'
      ? route.fulfill({status: 503, contentType: 'application/json', headers: {'Retry-After': '1'},
        body: JSON.stringify({error: {code: 'store_busy', message: 'The store is busy with another change; try again'}})})
      : route.continue()));
    const before = await apiGet(page, `/api/plans/${plan901}`);
    await page.fill('#tg-reduction', '70');
    await page.click('[data-testid=save-target]');
    await page.waitForFunction(() => /Tietovarasto on varattu/.test(document.querySelector('[data-testid=save-status]').textContent));
    await page.unroute(url);
    const after = await apiGet(page, `/api/plans/${plan901}`);
    check(after.version === before.version, `the version moved: ${before.version} -> ${after.version}`);
    await page.fill('#tg-reduction', '75');
  });

  let gapBefore, gapAfter;
  await step('adds a measure and sees the gap shrink by the amount the API reports', async () => {
    await page.click('a[data-tab=measures]');
    await page.waitForSelector('[data-testid=measures-table]');
    gapBefore = Number(await page.getAttribute('[data-testid=gapline]', 'data-gap'));
    await page.click('[data-testid=add-measure]');
    await page.fill('#m-id', 'agri-biogas');
    await page.fill('#m-name', 'Maatilojen biokaasu');
    await page.selectOption('#m-sector', 'agriculture');
    await page.fill('#m-start', '2026');
    await page.fill('#m-full', '2030');
    await page.fill('#m-value', '30');
    await page.fill('#m-range_lo', '20');
    await page.fill('#m-range_hi', '35');
    await page.fill('#m-capex', '400 000');
    await page.fill('#m-lifetime', '20');
    await page.fill('#m-responsible', 'Maaseutupalvelut');
    await page.click('[data-testid=save-measure]');
    await page.waitForSelector('[data-testid=gapline] .delta');
    gapAfter = Number(await page.getAttribute('[data-testid=gapline]', 'data-gap'));
    const delta = Number(await page.getAttribute('[data-testid=gapline]', 'data-delta'));
    const plan = await apiGet(page, `/api/plans/${plan901}`);
    const res = await apiGet(page, `/api/plans/${plan901}/pathway?draws=2000&seed=${plan.settings.seed}`);
    const m = res.measures.find((x) => x.id === 'agri-biogas');
    check(m && m.attributed > 0, 'the API does not report the new measure');
    check(close(gapAfter, res.gap), `UI gap ${gapAfter} != API gap ${res.gap}`);
    check(gapAfter < gapBefore, `the gap did not shrink: ${gapBefore} -> ${gapAfter}`);
    check(close(gapBefore - gapAfter, m.attributed), `gap shrank by ${gapBefore - gapAfter}, the API attributes ${m.attributed}`);
    check(close(-delta, m.attributed), `the UI's change ${delta}`);
    const row = await page.getAttribute('tr[data-measure=agri-biogas] td[data-value]', 'data-value');
    check(close(Number(row), m.attributed), `the table says ${row}`);
    const stored = plan.measures.find((x) => x.id === 'agri-biogas');
    check(stored.share === 0.3 && JSON.stringify(stored.share_range) === '[0.2,0.3,0.35]' && stored.capex === 400000,
      `stored ${JSON.stringify(stored)}`);
    await shot(page, '04-measures');
  });

  await step('a validation error is shown at the field and nothing is saved', async () => {
    const before = await apiGet(page, `/api/plans/${plan901}`);
    await page.click('[data-testid=add-measure]');
    await page.fill('#m-id', 'too-much');
    await page.selectOption('#m-sector', 'waste');
    await page.fill('#m-start', '2026');
    await page.fill('#m-full', '2027');
    await page.fill('#m-value', '140');
    await page.click('[data-testid=save-measure]');
    await page.waitForFunction(() => document.querySelector('#merr-value')?.textContent.length > 0);
    check(await page.getAttribute('#m-value', 'aria-invalid') === 'true', 'the field is not marked invalid');
    const focused = await page.evaluate(() => document.activeElement.id);
    check(focused === 'm-value', `focus is on ${focused}`);
    await shot(page, '05-validation');
    const after = await apiGet(page, `/api/plans/${plan901}`);
    check(after.version === before.version && after.measures.length === before.measures.length, 'something was saved');
    await page.click('text=Peruuta');
  });

  await step('server validation speaks Finnish with the typed values (issue 13: structured errors)', async () => {
    // English words the server's own texts use; none may reach a Finnish screen.
    const english = /\b(is|before|after|must|start|the|last|inventory|year|outside)\b/i;
    const before = await apiGet(page, `/api/plans/${plan901}`);
    await page.click('[data-testid=add-measure]');
    await page.fill('#m-id', 'full-before-start');
    await page.selectOption('#m-sector', 'waste');
    await page.fill('#m-start', '2032');
    await page.fill('#m-full', '2027');
    await page.fill('#m-value', '10');
    await page.click('[data-testid=save-measure]');
    await page.waitForFunction(() => document.querySelector('#merr-full')?.textContent.length > 0);
    const full = await page.textContent('#merr-full');
    check(/2027/.test(full) && /2032/.test(full) && /aloitusvuotta/.test(full), `the message at full: ${full}`);
    check(!english.test(full), `English in the message: ${full}`);
    check(await page.getAttribute('#m-full', 'aria-invalid') === 'true', 'full is not marked invalid');
    await page.click('text=Peruuta');
    const mid = await apiGet(page, `/api/plans/${plan901}`);
    check(mid.version === before.version && mid.measures.length === before.measures.length, 'the measure was saved');

    // The new-plan form on the municipality's page, where the issue saw
    // "Tavoitevuosi: target_year: 2005 must be after the last inventory year 2024".
    const plansBefore = await apiGet(page, '/api/municipalities/901/plans');
    await page.goto(`${base}/#/m/901`);
    await page.click('details.new-plan summary');
    await page.fill('#np-target', '2005');
    await page.click('details.new-plan button[type=submit]');
    await page.waitForFunction(() => document.querySelector('details.new-plan .form-error')?.textContent.length > 0);
    const ty = await page.textContent('details.new-plan .form-error');
    const inv = await apiGet(page, '/api/municipalities/901/inventory?scope=total');
    const last = Math.max(...inv.totals.map((r) => r.year));
    check(/^Tavoitevuosi: /.test(ty) && /2005/.test(ty) && ty.includes(String(last)) && /Tavoitevuoden/.test(ty),
      `the message of the new plan: ${ty}`);
    check(!english.test(ty) && !/target_year/.test(ty), `English in the message: ${ty}`);
    const plansAfter = await apiGet(page, '/api/municipalities/901/plans');
    check(JSON.stringify(plansAfter).length === JSON.stringify(plansBefore).length, 'a plan was created');
    await page.goto(`${base}/#/m/901/plans/${plan901}/measures`);
    await page.waitForSelector('a[data-tab=pathway]');
  });

  await step('the pathway view: chart, key figures, wedges; an edit updates the chart quickly', async () => {
    await page.click('a[data-tab=pathway]');
    await page.waitForSelector('[data-testid=chart-pathway] canvas');
    const gap = Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value'));
    check(close(gap, gapAfter), `pathway gap ${gap} != ${gapAfter}`);
    check(await page.isVisible('[data-testid=kf-pmeet]'), 'no p_meet');
    check(await page.isVisible('[data-testid=chart-wedges] canvas'), 'no wedge chart');
    await shot(page, '06-pathway');
    await page.fill('input[data-measure=agri-biogas]', '40');
    await page.press('input[data-measure=agri-biogas]', 'Tab');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=update-timing]').textContent));
    const ms = await page.evaluate(() => window.__ilmavaLastUpdateMs);
    console.log(`# edit to chart: ${ms.toFixed(1)} ms`);
    check(ms < 1000, `the chart took ${ms} ms`);
    const gap2 = Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value'));
    check(gap2 < gap, `the gap did not shrink after 30 % -> 40 %: ${gap} -> ${gap2}`);
  });

  // ---- issue 13, section 4: the try-it panel is a sandbox ----
  await step('the try-it panel is a trial: nothing saved until "save as the plan"; reset', async () => {
    const before = await apiGet(page, `/api/plans/${plan901}`);
    check(await page.isVisible('[data-testid=trial-note]'), 'no trial note after a tried value');
    const tried = Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value'));
    const stored = (await apiGet(page, `/api/plans/${plan901}/pathway?draws=2000`)).gap;
    check(tried < stored, `the stored pathway moved with the trial: tried ${tried}, stored ${stored}`);
    await page.click('[data-testid=trial-reset]');
    await page.waitForSelector('[data-testid=trial-note]', {state: 'hidden'});
    await page.waitForFunction((g) => Number(document.querySelector('[data-testid=kf-gap] dd').dataset.value) !== g, tried);
    const reset = Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value'));
    check(close(reset, stored), `after reset the gap is ${reset}, the plan's ${stored}`);
    check(await page.inputValue('input[data-measure=agri-biogas]') !== '40', 'reset left the tried value');
    await page.fill('input[data-measure=agri-biogas]', '40');
    await page.press('input[data-measure=agri-biogas]', 'Tab');
    await page.waitForSelector('[data-testid=trial-note]:not([hidden])');
    const mid = await apiGet(page, `/api/plans/${plan901}`);
    check(mid.version === before.version, `a tried value saved the plan: version ${before.version} -> ${mid.version}`);
    await shot(page, '06b-trial');
    await page.click('[data-testid=trial-save]');
    await page.waitForSelector('[data-testid=save-status-trial]:not(:empty)');
    check(!(await page.isVisible('[data-testid=trial-note]')), 'the trial note stays after saving');
    const after = await apiGet(page, `/api/plans/${plan901}`);
    check(after.version === before.version + 1, `saving: version ${before.version} -> ${after.version}`);
    const bio = after.measures.find((x) => x.id === 'agri-biogas');
    check(bio && close(bio.share, 0.4), `saved share ${bio && bio.share}`);
    const gap3 = Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value'));
    check(close(gap3, tried), `after saving the gap is ${gap3}, the trial's ${tried}`);
  });

  await step('easy and hard: the cost curve, three columns and the easy share', async () => {
    await page.click('a[data-tab=classes]');
    await page.waitForSelector('svg.mac');
    for (const c of ['easy', 'moderate', 'hard']) check(await page.isVisible(`[data-testid=class-${c}]`), `no ${c} column`);
    const bars = await page.locator('svg.mac rect[stroke="#222"]').count();
    check(bars >= 5, `${bars} bars`);
    check(/%/.test(await page.textContent('[data-testid=easy-share]')), 'no easy share');
    await shot(page, '07-classes');
  });

  await step('optimise', async () => {
    await page.click('a[data-tab=optimize]');
    await page.click('[data-testid=run-optimize]');
    await page.waitForSelector('[data-testid=opt-result]');
    await shot(page, '08-optimize');
  });

  await step('switches to Swedish and sees Swedish labels and number formats', async () => {
    await page.click('a[data-tab=pathway]');
    await page.waitForSelector('[data-testid=kf-gap]');
    await page.click('#lang button[data-lang=sv]');
    await page.waitForFunction(() => document.documentElement.lang === 'sv');
    await page.waitForSelector('a[data-tab=pathway]:has-text("Utsläppsbana")');
    const label = await page.textContent('[data-testid=kf-gap] dt');
    check(label.startsWith('Gap '), `label: ${label}`);
    const value = await page.textContent('[data-testid=kf-gap] dd');
    const want = new Intl.NumberFormat('sv-FI', {maximumFractionDigits: 0}).format(Math.round(gapAfter * 0) + Number(await page.getAttribute('[data-testid=kf-gap] dd', 'data-value')));
    check(value.includes(want) && /\d[\s\u00a0\u202f]\d{3}/.test(value), `value "${value}", expected "${want}"`);
    check(await page.textContent('#demo-banner') !== '' && /syntetiska/.test(await page.textContent('#demo-banner')), 'the banner is not Swedish');
    await shot(page, '09-pathway-sv');
    await page.click('#lang button[data-lang=fi]');
    await page.waitForFunction(() => document.documentElement.lang === 'fi');
  });

  await step('publishes', async () => {
    await page.click('a[data-tab=publish]');
    await page.click('[data-testid=publish]');
    await page.waitForSelector('[data-testid=public-link]');
    const plan = await apiGet(page, `/api/plans/${plan901}`);
    check(plan.published === true, 'not published');
    await shot(page, '10-publish');
  });

  await step('downloads the decision item, the climate plan and the workbook', async () => {
    await page.click('a[data-tab=documents]');
    await page.waitForSelector('[data-testid=doc-decision-pdf]');
    const want = {'doc-decision-pdf': ['application/pdf', '%PDF-'],
      'doc-plan-html': ['text/html', '<!doctype html>'], 'doc-xlsx': ['application/vnd.openxmlformats', 'PK']};
    for (const [id, [type, start]] of Object.entries(want)) {
      const href = await page.getAttribute(`[data-testid=${id}]`, 'href');
      check(href.includes('lang=fi'), `${id}: not in the UI's language: ${href}`);
      const r = await page.request.get(base + href);
      check(r.status() === 200, `${id}: ${r.status()}`);
      check((r.headers()['content-type'] || '').startsWith(type), `${id}: ${r.headers()['content-type']}`);
      check((await r.body()).subarray(0, start.length).toString('latin1') === start, `${id}: not a ${type}`);
    }
    await shot(page, '10b-documents');
  });

  // Issue 13: a scope change must never leave a plan unrepairable. The demo
  // plan of 901 has an ETS industry measure; under Hinku it has no stream
  // (not computed), under non_ets it is computed but outside the scope.
  await step('switches the scope through the UI: every tab renders, the ETS measure marked outside it', async () => {
    const ETS = 'plant-electrification';
    const tabs = {target: '[data-testid=target-form]', measures: '[data-testid=measures-table]',
      pathway: '[data-testid=chart-pathway] canvas', classes: 'svg.mac', optimize: '[data-testid=run-optimize]',
      publish: '[data-testid=published-state]', documents: '[data-testid=doc-decision-pdf]'};
    for (const scope of ['hinku', 'total', 'non_ets']) {
      await page.goto(`${base}/#/m/901/plans/${plan901}/target`);
      await page.waitForSelector('[data-testid=target-form]');
      const before = await apiGet(page, `/api/plans/${plan901}`);
      await page.selectOption('#tg-scope', scope);
      await page.click('[data-testid=save-target]');
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=save-status]').textContent));
      const after = await apiGet(page, `/api/plans/${plan901}`);
      check(after.target.scope === scope && after.version === before.version + 1, `${scope}: stored ${after.target.scope} v${after.version}`);
      for (const [tab, sel] of Object.entries(tabs)) {
        await page.click(`a[data-tab=${tab}]`);
        await page.waitForSelector(sel);
        check(await page.locator('[data-testid=error-page]').count() === 0, `${scope}/${tab}: an error page`);
        check(!(await page.textContent('main')).includes('Jokin meni vikaan'), `${scope}/${tab}: "Jokin meni vikaan"`);
        const out = scope !== 'total';
        if (tab === 'measures') {
          const row = `tr[data-measure=${ETS}]`;
          check(await page.getAttribute(row, 'data-scope') === (out ? 'out' : 'in'), `${scope}: the ETS row's scope`);
          const tonnesCell = (await page.textContent(`${row} td.num`)).trim();
          if (out) {
            check(await page.isVisible(`${row} [data-testid=out-of-scope]`), `${scope}: no out-of-scope mark`);
            check(tonnesCell === '–', `${scope}: the ETS measure shows ${tonnesCell} as if counted`);
            const why = await page.textContent(`${row} [data-testid=out-of-scope]`);
            const want = scope === 'hinku' ? 'päästökauppateollisuus ei kuulu Hinku-laskentaan' : 'päästökauppasektori ei kuulu';
            check(why.includes(want), `${scope}: the reason is "${why}"`);
            await shot(page, `10c-measures-${scope}`);
          } else {
            check(/\d/.test(tonnesCell), `total: the ETS measure's tonnes: ${tonnesCell}`);
          }
          // It stays editable: the form opens for it.
          await page.click(`${row} button`);
          await page.waitForSelector('[data-testid=measure-form]');
          check(await page.inputValue('#m-sector') === 'industry', `${scope}: the editor's sector`);
          await page.click('text=Peruuta');
        }
        if (tab === 'pathway') {
          check(await page.locator(`input[data-measure=${ETS}]`).count() === (out ? 0 : 1), `${scope}: the try-it panel and the ETS measure`);
          check(await page.locator('[data-testid=outside-scope]').count() === (out ? 1 : 0), `${scope}: the outside-scope note`);
        }
        if (tab === 'optimize') {
          await page.click('[data-testid=run-optimize]');
          await page.waitForSelector('[data-testid=opt-result]');
          check(await page.locator('[data-testid=opt-notcomputed]').count() === (scope === 'hinku' ? 1 : 0), `${scope}: the not computed card`);
        }
        if (tab === 'documents') {
          for (const id of ['doc-decision-html', 'doc-plan-html', 'doc-xlsx', 'doc-csv', 'doc-gpc']) {
            const r = await page.request.get(base + await page.getAttribute(`[data-testid=${id}]`, 'href'));
            check(r.status() === 200, `${scope}: ${id} answers ${r.status()}`);
          }
        }
      }
    }
  });

  // Issue 13 section 2: what the API can do, a person can do in the browser.
  await step('records the council decision on the plan; the decision document uses it', async () => {
    await page.goto(`${base}/#/m/901/decision`);
    await page.waitForSelector('[data-testid=decision-form]');
    check(/\/plans\/\d+\/decision$/.test(page.url()), `the eligibility link landed on ${page.url()}`);
    await page.goto(`${base}/#/m/901/plans/${plan901}/decision`);
    await page.waitForSelector('[data-testid=decision-form]');
    await page.fill('#dec-body', 'Kaupunginvaltuusto');
    await page.fill('#dec-date', '2021-06-14');
    await page.fill('#dec-section', '§ 45');
    await page.fill('#dec-dnro', '12/11.00/2021');
    await page.click('[data-testid=decision-save]');
    await page.waitForSelector('[data-testid=decision-list] li[data-kind=council_target]');
    const d = (await apiGet(page, `/api/plans/${plan901}/decisions`)).find((x) => x.kind === 'council_target');
    check(d && d.body === 'Kaupunginvaltuusto' && d.date === '2021-06-14' && d.section === '§ 45' && d.dnro === '12/11.00/2021',
      `stored ${JSON.stringify(d)}`);
    const md = await (await page.request.get(`${base}/api/plans/${plan901}/documents/decision?lang=fi&format=md`)).text();
    for (const line of ['**Kokouspäivä:** 14.6.2021', '**Pykälä:** § 45', '**Dnro:** 12/11.00/2021'])
      check(md.includes(line), `the document has no ${line}`);
    // The deciding body is required: said at its field, nothing stored.
    await page.fill('#dec-body', '');
    await page.fill('#dec-dnro', '13/11.00/2021');
    await page.click('[data-testid=decision-save]');
    await page.waitForFunction(() => document.querySelector('#err-dec-body').textContent !== '');
    const d2 = (await apiGet(page, `/api/plans/${plan901}/decisions`)).find((x) => x.kind === 'council_target');
    check(d2.dnro === '12/11.00/2021' && d2.body === 'Kaupunginvaltuusto', `a decision without a body was stored: ${JSON.stringify(d2)}`);
    await shot(page, '14-decision');
  });

  await step('an expert comment is added and shown on the plan', async () => {
    await page.click('a[data-tab=comments]');
    await page.waitForSelector('[data-testid=comment-form]');
    await page.fill('#comment-body', 'Kaukolämmön hinta-arvio kannattaa tarkistaa.');
    await page.click('[data-testid=comment-submit]');
    await page.waitForSelector('[data-testid=comment-list] li');
    const list = await apiGet(page, `/api/plans/${plan901}/comments`);
    check(list.some((c) => c.body.includes('hinta-arvio')), 'the comment is not stored');
    check((await page.textContent('[data-testid=comment-list]')).includes('anna@rautaniemi.fi'), 'no author shown');
  });

  await step('applies the optimiser\'s result as one audited change', async () => {
    await page.click('a[data-tab=optimize]');
    await page.click('[data-testid=run-optimize]');
    await page.waitForSelector('[data-testid=opt-apply]');
    const before = await apiGet(page, `/api/plans/${plan901}`);
    const trail0 = await apiGet(page, `/api/plans/${plan901}/audit?limit=1000`);
    await page.click('[data-testid=opt-apply]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=opt-apply-status]').textContent));
    const after = await apiGet(page, `/api/plans/${plan901}`);
    const trail = await apiGet(page, `/api/plans/${plan901}/audit?limit=1000`);
    check(after.version === before.version + 1, `version ${before.version} -> ${after.version}`);
    check(trail.length === trail0.length + 1 && trail[0].action === 'plan.optimize.apply', `audit: ${trail.length - trail0.length} rows, ${trail[0].action}`);
    await shot(page, '15-optimize-applied');
  });

  await step('the audit trail shows who, when and what changed', async () => {
    await page.click('a[data-tab=audit]');
    await page.waitForSelector('[data-testid=audit-table]');
    const first = page.locator('[data-testid=audit-table] tbody tr').first();
    check(await first.getAttribute('data-action') === 'plan.optimize.apply', 'the newest row is not the apply');
    const text = await first.textContent();
    check(text.includes('anna@rautaniemi.fi') && /Optimoinnin tulos/.test(text) && /→/.test(text), `row: ${text}`);
    check(await page.locator('[data-testid=audit-table] tr[data-action="plan.decision"]').count() >= 1, 'no decision row');
    const all = await page.textContent('[data-testid=audit-table]');
    check(!/audit\.action\./.test(all), 'a raw action key');
    await shot(page, '16-audit');
  });

  await step('copies the plan under a new name and opens the copy', async () => {
    await page.click('a[data-tab=target]');
    await page.click('[data-testid=copy-plan] summary');
    await page.fill('#copy-name', 'Hinku-vertailu');
    await page.click('[data-testid=copy-submit]');
    await page.waitForFunction((id) => new RegExp(`/plans/(\\d+)/target$`).test(location.hash) && !location.hash.includes(`/plans/${id}/`), plan901);
    await page.waitForSelector('[data-testid=target-form]');
    const id = Number(/plans\/(\d+)\//.exec(page.url())[1]);
    const [src, cp] = [await apiGet(page, `/api/plans/${plan901}`), await apiGet(page, `/api/plans/${id}`)];
    check(cp.name === 'Hinku-vertailu' && cp.municipality.code === '901' && cp.measures.length === src.measures.length, `copy ${JSON.stringify(cp).slice(0, 200)}`);
    check(await page.inputValue('#tg-name') === 'Hinku-vertailu', 'the copy is not open');
  });

  await step('an empty plan name is refused with a message; nothing is saved', async () => {
    const before = await apiGet(page, `/api/plans/${plan901}`);
    await page.goto(`${base}/#/m/901/plans/${plan901}/target`);
    await page.waitForSelector('[data-testid=target-form]');
    await page.fill('#tg-name', '   ');
    await page.click('[data-testid=save-target]');
    await page.waitForFunction(() => document.querySelector('#err-name').textContent !== '');
    check(/nimi/i.test(await page.textContent('#err-name')), 'no message at the name');
    const after = await apiGet(page, `/api/plans/${plan901}`);
    check(after.version === before.version && after.name === before.name, 'the plan changed');
    await page.goto(`${base}/#/m/901`);
    await page.click('details.new-plan summary');
    const n0 = (await apiGet(page, '/api/municipalities/901/plans')).length;
    await page.fill('#np-name', '');
    await page.click('details.new-plan button[type=submit]');
    await page.waitForFunction(() => document.querySelector('details.new-plan .form-error').textContent !== '');
    check((await apiGet(page, '/api/municipalities/901/plans')).length === n0, 'a nameless plan was created');
  });

  await step('uploads an inventory file: the counts, then a bad line named and nothing changed', async () => {
    await page.goto(`${base}/#/m/901`);
    await page.waitForSelector('[data-testid=upload-form]');
    const bad = 'municipality,year,sector,ets,t\n901,1995,waste,false,-3\n';
    const inv0 = await apiGet(page, '/api/municipalities/901/inventory?scope=total');
    await page.setInputFiles('#inv-file', {name: 'huono.csv', mimeType: 'text/csv', buffer: Buffer.from(bad)});
    await page.click('[data-testid=upload-submit]');
    await page.waitForSelector('[data-testid=upload-error]');
    const msg = await page.textContent('[data-testid=upload-error]');
    check(/Rivi 2/.test(msg) && !/line/.test(msg) && /mitään ei muutettu/.test(msg), `error: ${msg}`);
    const inv1 = await apiGet(page, '/api/municipalities/901/inventory?scope=total');
    check(JSON.stringify(inv0.rows) === JSON.stringify(inv1.rows), 'the bad file changed the inventory');
    const good = 'municipality,year,sector,ets,t\n901,1995,waste,false,1234\n';
    await page.setInputFiles('#inv-file', {name: 'jate1995.csv', mimeType: 'text/csv', buffer: Buffer.from(good)});
    await page.click('[data-testid=upload-submit]');
    await page.waitForSelector('[data-testid=upload-counts]');
    const counts = {};
    for (const k of ['added', 'replaced', 'unchanged', 'removed'])
      counts[k] = (await page.textContent(`[data-count=${k}]`)).trim();
    check(counts.added === '1' && counts.replaced === '0' && counts.unchanged === '0' && counts.removed === '0', `counts ${JSON.stringify(counts)}`);
    const inv2 = await apiGet(page, '/api/municipalities/901/inventory?scope=total');
    check(inv2.rows.some((r) => r.year === 1995 && r.sector === 'waste' && r.t === 1234), 'the row is not stored');
    await shot(page, '17-upload');
  });

  await step('the new views speak Swedish and English, with no raw keys', async () => {
    for (const lang of ['sv', 'en']) {
      await page.goto(`${base}/#/m/901`);
      await page.waitForSelector('[data-testid=peers] li[data-peer]');
      await page.click(`#lang button[data-lang=${lang}]`);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      for (const hash of ['', `/plans/${plan901}/decision`, `/plans/${plan901}/comments`, `/plans/${plan901}/audit`, `/plans/${plan901}/target`]) {
        await page.goto(`${base}/#/m/901${hash}`);
        await page.waitForSelector(hash ? '.tabs' : '[data-testid=peers] li[data-peer]');
        if (hash.endsWith('audit')) await page.waitForSelector('[data-testid=audit-table]');
        const text = await page.textContent('main');
        const raw = /\b(peers|upload|decision|comments|audit|copy|public|opt|plan\.name)\.[a-z_.]+/.exec(text);
        check(!raw, `${lang} ${hash || 'overview'}: raw key ${raw && raw[0]}`);
        check(!/Kommentit|Muutoshistoria|Vertaiskunnat/.test(text), `${lang} ${hash || 'overview'}: Finnish text`);
      }
    }
    await page.click('#lang button[data-lang=fi]');
    await page.waitForFunction(() => document.documentElement.lang === 'fi');
  });

  await step('an editor of 901 cannot reach 902 through the UI or by editing the URL', async () => {
    await page.goto(base + '/#/');
    await page.waitForSelector('[data-testid=scope-total]');
    check(page.url().endsWith('#/m/901'), 'the editor was not sent to 901');
    check(await page.locator('a[href^="#/m/902"]').count() === 0, 'a link to 902');
    await page.goto(base + '/#/m/902');
    await page.waitForSelector('[data-testid=error-page]');
    check(await page.getAttribute('[data-testid=error-page]', 'data-status') === '403', 'no 403 for 902');
    check(await page.locator('[data-testid=scope-total]').count() === 0, '902 figures shown');
    await shot(page, '11-forbidden');
    for (const hash of [`#/m/902/plans/${plan902}/pathway`, `#/m/901/plans/${plan902}/measures`, `#/m/902/plans/${plan902}/target`]) {
      await page.goto(base + '/' + hash);
      await page.waitForSelector('[data-testid=error-page]');
      check(await page.getAttribute('[data-testid=error-page]', 'data-status') === '404', `${hash}: not 404`);
      check(await page.locator('canvas, [data-testid=measures-table], [data-testid=target-form]').count() === 0, `${hash}: plan content shown`);
    }
  });

  await step('the pathway view fits a phone', async () => {
    const phone = await newPage({width: 390, height: 844});
    await phone.context.addCookies(await context.cookies());
    await phone.page.goto(`${base}/#/m/901/plans/${plan901}/pathway`);
    await phone.page.waitForSelector('[data-testid=chart-pathway] canvas');
    const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 1, `the page is ${over} px wider than the screen`);
    await shot(phone.page, '12-pathway-phone');
    await phone.context.close();
  });

  await step('the new views fit a phone', async () => {
    const phone = await newPage({width: 390, height: 844});
    await phone.context.addCookies(await context.cookies());
    for (const [hash, sel] of [['#/m/901', '[data-testid=peers] li[data-peer]'],
      [`#/m/901/plans/${plan901}/decision`, '[data-testid=decision-form]'],
      [`#/m/901/plans/${plan901}/comments`, '[data-testid=comment-list]'],
      [`#/m/901/plans/${plan901}/audit`, '[data-testid=audit-table]']]) {
      await phone.page.goto(`${base}/${hash}`);
      await phone.page.waitForSelector(sel);
      const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(over <= 1, `${hash}: the page is ${over} px wider than the screen`);
    }
    await shot(phone.page, '12b-audit-phone');
    await phone.context.close();
  });

  await step('the public view, logged out: read-only', async () => {
    await page.click('.who button');
    await page.waitForSelector('#login-email');
    const anon = await newPage();
    await anon.page.goto(`${base}/#/public/plans/${plan901}`);
    await anon.page.waitForSelector('[data-testid=public-view] [data-testid=chart-pathway] canvas');
    const edits = await anon.page.locator('[data-testid=quick-edit], [data-testid^=save-], [data-testid=add-measure], [data-testid=publish], .tabs, form').count();
    check(edits === 0, `${edits} edit controls`);
    check(await anon.page.isVisible('svg.mac'), 'no cost curve');
    check(await anon.page.isVisible('#demo-banner'), 'no demo banner');
    // Each measure with the party responsible for it; the documents to download.
    const plan = await apiGet(anon.page, `/api/plans/${plan901}`);
    const rows = await anon.page.locator('[data-testid=public-measures] tbody tr').count();
    check(rows === plan.measures.length, `${rows} measure rows, ${plan.measures.length} measures`);
    const withParty = plan.measures.find((x) => x.responsible);
    check(withParty && (await anon.page.textContent(`[data-testid=public-measures] tr[data-measure="${withParty.id}"] [data-testid=responsible]`)) === withParty.responsible,
      'the responsible party is not shown');
    for (const id of ['pub-doc-plan-pdf', 'pub-doc-csv']) {
      const href = await anon.page.getAttribute(`[data-testid=${id}]`, 'href');
      const r = await anon.page.request.get(base + href);
      check(r.status() === 200, `${id}: ${r.status()} without a session`);
    }
    await shot(anon.page, '13-public');
    // The index of published plans, without a session.
    await anon.page.goto(`${base}/#/public`);
    await anon.page.waitForSelector('[data-testid=public-index]');
    const links = await anon.page.locator('[data-testid=public-plan-link]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    check(links.includes(`#/public/plans/${plan901}`) && !links.includes(`#/public/plans/${plan902}`), `index links ${links}`);
    await anon.page.click(`[data-testid=public-plan-link][href="#/public/plans/${plan901}"]`);
    await anon.page.waitForSelector('[data-testid=public-measures]');
    await shot(anon.page, '13b-public-index');
    await anon.page.goto(`${base}/#/public/plans/${plan902}`);
    await anon.page.waitForSelector('[data-testid=error-page]');
    check(await anon.page.locator('canvas').count() === 0, 'an unpublished plan shown');
    await anon.context.close();
  });

  await step('no console errors and no CSP violations', async () => {
    check(problems.length === 0, problems.join('\n'));
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  store.remove();
}
process.exit(summary(OUT));
