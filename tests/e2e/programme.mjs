// End-to-end test of the coaching programme's UI (issues 6 and 13): the
// organiser's journey in the browser alone. The organiser creates the
// programme in the browser (an out-of-range limit and a day outside its
// period are refused at their fields) and edits it; two municipalities
// apply (set up through the API) and an editor of 901 fills and submits
// the application form in the browser (first meeting a field error for a
// participant without a level). The organiser then uses the selection view
// (the applicants side by side, the proposal's shortfall and its reason,
// which goes once its cause does), overrides 901's unmet criterion, accepts
// with a reason and reads the decision notifications; runs the cohort
// (contact days, attendance only for days that have taken place, own
// funding invoiced and paid, peer groups formed and edited by hand, the
// dashboard) and downloads the report in the UI's language. The sparring
// log is kept by the editor. Every programme view is scanned in Finnish
// and Swedish for untranslated catalogue keys and English catalogue text.
// The programme report must be CSP-clean (no inline style or script).
// Screenshots go to the output folder (argument 1, or ILMAVA_E2E_OUT).
// Usage: node tests/e2e/programme.mjs [OUTDIR]   (ILMAVA_BIN names the binary)
// Exit 0 all passed, 1 a failure, 77 skipped (no chromium or node_modules).
// SPDX-License-Identifier: AGPL-3.0-or-later
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {requireBrowser, step, check, summary, freshStore, startServer, openBrowser, root, PW} from './lib.mjs';

const OUT = process.argv[2] || process.env.ILMAVA_E2E_OUT || path.join(root, 'build/tests/e2e-programme');
const chromium = requireBrowser();
const day = (delta) => new Date(Date.now() + delta * 86400000).toISOString().slice(0, 10);
/** A message catalogue (web/assets/i18n-*.js, an ES module's default export) as an object. */
const catalogue = (lang) => new Function(readFileSync(path.join(root, `web/assets/i18n-${lang}.js`), 'utf8')
  .replace(/^\s*export default\s*/m, 'return '))();
const CAT = {fi: catalogue('fi'), sv: catalogue('sv'), en: catalogue('en')};

/* ---- a fresh store and the server ---- */
const ORG = 'org@ilmava.test';
const ED = 'anna@rautaniemi.fi';
const store = freshStore('ilmava-e2e-prog-');
store.addUser(ED, 'editor', '901');
store.addUser(ORG, 'organiser');
const {server, base} = await startServer(store.db);
// The 422 the test provokes is logged by the browser as a failed load; so
// is the browser's own /favicon.ico on the report page (a 404 the page's
// requests would show).
const {browser, problems, newPage, shot} = await openBrowser(chromium, OUT, {allowed: '401|404|422', on404: true});
/** Calls the API with the page's session (and its CSRF token for changes). */
const call = (page, method, p, body) => page.evaluate(async ([m, u, b]) => {
  const headers = {Accept: 'application/json'};
  if (m !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = window.__csrf || '';
  }
  const r = await fetch(u, {method: m, headers, body: b === undefined ? undefined : JSON.stringify(b)});
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return {status: r.status, json, text, type: r.headers.get('content-type')};
}, [method, p, body]);
async function apiLogin(page, email) {
  await page.goto(base + '/#/login');
  await page.waitForSelector('#login-email');
  const r = await page.evaluate(async ([e, pw]) => {
    const res = await fetch('/api/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({email: e, password: pw})});
    const j = await res.json();
    window.__csrf = j.csrf_token;
    return res.status;
  }, [email, PW]);
  check(r === 200, `login ${email}: ${r}`);
}
async function uiLogin(page, email) {
  await page.goto(base + '/#/login');
  await page.reload();
  await page.waitForSelector('#login-email');
  await page.fill('#login-email', email);
  await page.fill('#login-password', PW);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=nav-programmes]');
}

const application = (code) => ({
  municipality: code, climate_work: `Kunnan ${code} ilmastotyö`, has_council_target: true,
  tells_easy_from_hard: true, easy_hard_how: 'Hinta per tonni', problems: ['liikenne', 'lämmitys'],
  sparring_problem: 'liikenne', own_funding_accepted: true,
  board_decision: {body: 'Kunnanhallitus', date: day(-5), section: '§ 12', dnro: `${code}/2026`},
  participants: [{name: `Johtaja ${code}`, title: 'kunnanjohtaja', level: 'civil_service',
    phases: ['orientation', 'municipal_work']},
  {name: `Puheenjohtaja ${code}`, title: 'valtuuston puheenjohtaja', level: 'political', phases: ['peer_learning']}],
  status: 'submitted',
});

let pid = null;
const org = await newPage();
const ed = await newPage();
const setup = await newPage(); // the API for what other people do (the coordinators' decisions, two applications)

/** Visible text of the page (closed details opened) that is a raw catalogue key, English catalogue text or an English sentence from the API. */
async function untranslated(page, lang) {
  const own = CAT[lang];
  const english = Object.keys(CAT.en).filter((k) => CAT.en[k] !== own[k] && !/\{\w+\}/.test(CAT.en[k]) && CAT.en[k].length > 2)
    .map((k) => CAT.en[k]);
  return page.evaluate(({english, keys}) => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const bad = [];
    const known = new Set(keys);
    const eng = new Set(english);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, #lang, [hidden]')) continue;
      if (el.tagName !== 'OPTION' && !el.getClientRects().length) continue;
      const text = n.textContent.trim();
      if (!text) continue;
      if (/^[a-z]+(_[a-z]+)+$/.test(text) || known.has(text) || eng.has(text) ||
          /\b(left out by|not eligible|does not meet|not submitted|rejected by the organiser)\b/.test(text) || /\bexact\b|\bgreedy\b/.test(text))
        bad.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title]')) {
      for (const a of ['aria-label', 'title']) {
        const v = (el.getAttribute(a) || '').trim();
        if (v && (known.has(v) || eng.has(v) || /^[a-z]+(_[a-z]+)+$/.test(v))) bad.push(`${a}: ${v}`);
      }
    }
    return bad;
  }, {english, keys: Object.keys(CAT.en)});
}
/** Opens `hash` in `lang`, waits for `ready` and checks it has no untranslated text. */
async function scanView(page, hash, ready, langs = ['fi', 'sv']) {
  for (const lang of langs) {
    await page.evaluate((l) => localStorage.setItem('ilmava.lang', l), lang);
    await page.goto(`${base}/${hash}`);
    await page.reload();
    await page.waitForFunction((l) => document.documentElement.lang === l && document.body.dataset.ready === 'true', lang);
    await page.waitForSelector(ready);
    const bad = await untranslated(page, lang);
    check(bad.length === 0, `${hash} in ${lang}: untranslated ${JSON.stringify(bad)}`);
  }
  await page.evaluate(() => localStorage.setItem('ilmava.lang', 'fi'));
}
/** The organiser opens the programme's editor, `change`s it and saves. */
async function editProgramme(page, change) {
  await page.goto(`${base}/#/programmes/${pid}`);
  await page.waitForSelector('[data-testid=edit-programme]');
  await page.click('[data-testid=edit-programme]');
  await page.waitForSelector('[data-testid=programme-editor]');
  await change(page);
  await page.click('[data-testid=save-programme]');
  await page.waitForSelector('[data-testid=edit-programme]');
}

try {
  await step('the organiser creates a programme in the browser; a limit over 100 % and a day outside its period are refused at their fields', async () => {
    const p = org.page;
    await uiLogin(p, ORG);
    await p.click('[data-testid=nav-programmes]');
    await p.click('[data-testid=new-programme]');
    await p.waitForSelector('[data-testid=programme-editor]');
    await p.fill('#pe-name', 'ILMAVA 2026');
    await p.fill('#pe-year', '2026');
    await p.fill('#pe-description', 'Ilmastojohtamisen valmennus kuntien ylimmälle johdolle');
    await p.fill('#pe-eligibility', 'Valtuuston asettama ilmastotavoite; helpot ja vaikeat tavoitteet erotettu');
    await p.fill('#pe-apply_from', day(-30));
    await p.fill('#pe-apply_until', day(30));
    await p.fill('#pe-capacity_min', '1');
    await p.fill('#pe-capacity_max', '2');
    await p.fill('#pe-own_funding_eur', '2 000');
    await p.fill('#pe-max_region_share', '140');
    await p.fill('#pe-max_size_share', '100');
    // Phases: the defaults (orientation and municipal work for the civil
    // service, peer learning and expert sparring for both).
    check(await p.isChecked('#pe-ph-orientation') && await p.inputValue('#pe-ph-peer_learning-aud') === 'both', 'the default phases');
    // Two periods: one that has begun with a day held, one to come.
    await p.click('[data-action=add-period]');
    await p.fill('#pe-p0-name', 'Jakso I');
    await p.fill('#pe-p0-starts', day(-20));
    await p.fill('#pe-p0-ends', day(-5));
    await p.click('[data-period="0"] [data-action=add-day]');
    await p.fill('#pe-p0-d0-day', day(-40)); // outside its period
    await p.fill('#pe-p0-d0-place', 'Joensuu');
    await p.selectOption('#pe-p0-d0-audience', 'civil_service');
    await p.selectOption('#pe-p0-d0-phase', 'orientation');
    await p.fill('#pe-p0-d0-agenda', 'Orientaatio');
    await p.click('[data-action=add-period]');
    await p.fill('#pe-p1-name', 'Jakso II');
    await p.fill('#pe-p1-starts', day(40));
    await p.fill('#pe-p1-ends', day(60));
    await p.click('[data-period="1"] [data-action=add-day]');
    await p.fill('#pe-p1-d0-day', day(45));
    await p.check('#pe-p1-d0-online');
    await p.selectOption('#pe-p1-d0-audience', 'both');
    await p.selectOption('#pe-p1-d0-phase', 'peer_learning');
    await p.click('[data-testid=save-programme]');
    // The share is checked as the user typed it, in %.
    await p.waitForFunction(() => document.querySelector('#pe-max_region_share-err')?.textContent.length > 0);
    const shareErr = await p.textContent('#pe-max_region_share-err');
    check(/140 %/.test(shareErr) && /1–100/.test(shareErr), `the share's error: ${shareErr}`);
    check(await p.getAttribute('#pe-max_region_share', 'aria-invalid') === 'true', 'the share is not marked invalid');
    await p.fill('#pe-max_region_share', '100');
    await p.click('[data-testid=save-programme]');
    // The server's refusal stands at the day's field.
    await p.waitForFunction(() => document.querySelector('#pe-p0-d0-day-err')?.textContent.length > 0);
    check(await p.evaluate(() => document.activeElement.id) === 'pe-p0-d0-day', 'the day field has no focus');
    await shot(p, 'p00-programme-new-error');
    const list = await call(p, 'GET', '/api/programmes');
    check(list.json.length === 0, 'a refused programme was stored');
    await p.fill('#pe-p0-d0-day', day(-10));
    await p.click('[data-testid=save-programme]');
    await p.waitForSelector('[data-testid=edit-programme]');
    pid = Number(/#\/programmes\/(\d+)/.exec(p.url())[1]);
    const r = await call(p, 'GET', `/api/programmes/${pid}`);
    const g = r.json;
    check(g.name === 'ILMAVA 2026' && g.capacity_min === 1 && g.capacity_max === 2 && g.own_funding_eur === 2000 &&
      g.max_region_share === 1 && g.max_size_share === 1 && g.apply_from === day(-30) && g.contact_days === 2 &&
      g.phases.length === 4 && g.periods[1].days[0].online === true && g.periods[0].days[0].phase === 'orientation',
    `stored ${r.text}`);
    check((await p.textContent('[data-testid=contact-days]')).trim() === '2', 'the page does not show 2 contact days');
  });

  await step('the organiser edits the programme: a third contact day, the own funding and a weight', async () => {
    await editProgramme(org.page, async (p) => {
      await p.click('[data-period="1"] [data-action=add-day]');
      await p.fill('#pe-p1-d1-day', day(55));
      await p.fill('#pe-p1-d1-place', 'Kuopio');
      await p.selectOption('#pe-p1-d1-audience', 'both');
      await p.selectOption('#pe-p1-d1-phase', 'expert_sparring');
      await p.fill('#pe-own_funding_eur', '2 500');
      await p.fill('#pe-w-board_decision', '2');
    });
    const g = (await call(org.page, 'GET', `/api/programmes/${pid}`)).json;
    check(g.contact_days === 3 && g.own_funding_eur === 2500 && g.score_weights.board_decision === 2 &&
      g.periods[0].days[0].place === 'Joensuu', `after the edit ${JSON.stringify(g)}`);
    await shot(org.page, 'p00b-programme');
  });

  await step('two other municipalities apply (set up through the API)', async () => {
    await apiLogin(setup.page, ORG);
    // 902's and 903's plans get a council decision so that they are eligible.
    for (const code of ['902', '903']) {
      const plans = await call(setup.page, 'GET', `/api/municipalities/${code}/plans`);
      const d = await call(setup.page, 'PUT', `/api/plans/${plans.json[0].id}/decision`,
        {body: 'Kunnanvaltuusto', date: '2021-06-14', section: '§ 45', dnro: `${code}/11.00/2021`});
      check(d.status === 200, `decision ${code}: ${d.status} ${d.text}`);
      const a = await call(setup.page, 'POST', `/api/programmes/${pid}/applications`, application(code));
      check(a.status === 201, `application ${code}: ${a.status} ${a.text}`);
    }
  });

  await step('an editor of 901 finds the programme and its application form', async () => {
    await uiLogin(ed.page, ED);
    await ed.page.click('[data-testid=nav-programmes]');
    await ed.page.waitForSelector('[data-testid=programme-list]');
    await ed.page.click(`a[href="#/programmes/${pid}"]`);
    await ed.page.waitForSelector('[data-testid=to-apply]');
    check(await ed.page.locator('[data-testid=to-selection]').count() === 0, 'an editor sees the selection link');
    await shot(ed.page, 'p01-programme');
    await ed.page.click('[data-testid=to-apply]');
    await ed.page.waitForSelector('[data-testid=application-form]');
  });

  await step('a participant without a level: the error stands at participants[1].level, nothing is saved', async () => {
    const p = ed.page;
    await p.fill('#ap-climate_work', 'Päästöinventaario vuodesta 2007; ilmasto-ohjelma luonnoksena.');
    await p.check('#ap-has_target-no');
    await p.check('#ap-easy-yes');
    await p.fill('#ap-easy_hard_how', 'Toimenpiteiden hinta per tonni ja kunnan vaikutusvalta');
    await p.fill('#ap-problems', 'teollisuuden höyryn päästöt\nliikenne');
    await p.selectOption('#ap-sparring_problem', 'teollisuuden höyryn päästöt');
    await p.fill('#pt-0-name', 'Anna Virtanen');
    await p.fill('#pt-0-title', 'kunnanjohtaja');
    await p.selectOption('#pt-0-level', 'civil_service');
    await p.check('#pt-0-ph-orientation');
    await p.check('#pt-0-ph-municipal_work');
    await p.click('[data-testid=add-participant]');
    await p.fill('#pt-1-name', 'Ville Korhonen');
    await p.fill('#pt-1-title', 'valtuuston puheenjohtaja');
    await p.check('#pt-1-ph-peer_learning');
    await p.check('#ap-own_funding');
    await p.fill('#board_decision-body', 'Kunnanhallitus');
    await p.fill('#board_decision-date', day(-3));
    await p.fill('#board_decision-section', '§ 88');
    await p.fill('#board_decision-dnro', '901/00.01.00/2026');
    await p.click('[data-testid=save-draft]');
    await p.waitForFunction(() => document.querySelector('#pt-1-level-err')?.textContent.length > 0);
    check(await p.getAttribute('#pt-1-level', 'aria-invalid') === 'true', 'the level is not marked invalid');
    const focused = await p.evaluate(() => document.activeElement.id);
    check(focused === 'pt-1-level', `focus is on ${focused}`);
    check(await p.textContent('#pt-0-level-err') === '', 'the first participant has an error too');
    await p.locator('[data-participant="1"]').scrollIntoViewIfNeeded();
    await shot(p, 'p02-application-error');
    const mine = await call(p, 'GET', `/api/programmes/${pid}/applications`);
    check(mine.status === 200 && mine.json.applications.length === 0, `saved: ${mine.text}`);
  });

  await step('the application form fits a phone', async () => {
    const phone = await newPage({width: 390, height: 844});
    await phone.context.addCookies(await ed.context.cookies());
    await phone.page.goto(`${base}/#/programmes/${pid}/apply`);
    await phone.page.waitForSelector('[data-testid=application-form]');
    const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 1, `the page is ${over} px wider than the screen`);
    await shot(phone.page, 'p02b-application-phone');
    await phone.context.close();
  });

  let appId = null;
  await step('the editor fixes the level, saves a draft and submits', async () => {
    const p = ed.page;
    await p.selectOption('#pt-1-level', 'political');
    await p.click('[data-testid=save-draft]');
    await p.waitForSelector('[data-testid=app-state][data-status=draft]');
    check(/\d/.test(await p.textContent('[data-testid=app-status]')), 'no saved message');
    await p.click('[data-testid=submit-application]');
    await p.waitForSelector('[data-testid=app-state][data-status=submitted]');
    const mine = await call(p, 'GET', `/api/programmes/${pid}/applications`);
    check(mine.json.applications.length === 1, `${mine.json.applications.length} applications`);
    appId = mine.json.applications[0].application_id;
    const a = await call(p, 'GET', `/api/applications/${appId}?lang=fi`);
    check(a.json.status === 'submitted' && a.json.participants.length === 2 &&
      a.json.participants[1].level === 'political' && a.json.sparring_problem === 'teollisuuden höyryn päästöt' &&
      a.json.board_decision.section === '§ 88' && a.json.own_funding_accepted === true,
    `stored ${a.text}`);
    // Eligibility is explained in the form: no council target for 901.
    const ct = a.json.eligibility.find((c) => c.criterion === 'council_target');
    check(!ct.met, 'council_target met');
    const shown = await p.textContent('[data-testid=app-state] [data-criterion=council_target]');
    // The evidence in the UI's language, its verdict shown once, by the mark.
    check(ct.evidence.startsWith('ei täytä: ') && shown.includes(ct.evidence.slice('ei täytä: '.length)), `shown: ${shown}`);
    check(await p.locator('[data-testid=withdraw]').count() === 1, 'no withdraw button');
    const doc = await p.getAttribute('[data-testid=board-doc-pdf]', 'href');
    const r = await p.request.get(base + doc);
    check(r.status() === 200 && (await r.body()).subarray(0, 5).toString() === '%PDF-', `the board's decision item: ${r.status()}`);
    await shot(p, 'p03-application-submitted');
  });

  await step('the organiser sees every application side by side, with the proposed cohort highlighted', async () => {
    await org.context.clearCookies();
    await uiLogin(org.page, ORG);
    await org.page.goto(`${base}/#/programmes/${pid}/selection`);
    await org.page.waitForSelector('[data-testid=selection]');
    // The UI asks for the evidence in its language.
    const sel = await call(org.page, 'GET', `/api/programmes/${pid}/proposal?lang=fi`);
    check(sel.json.applications.length === 3, `${sel.json.applications.length} applications`);
    for (const row of sel.json.applications) {
      const card = `[data-testid=app-${row.municipality}]`;
      check(await org.page.getAttribute(card, 'data-proposed') === String(row.proposed), `${row.municipality}: proposed`);
      for (const c of row.eligibility) {
        const li = await org.page.textContent(`${card} [data-criterion=${c.criterion}]`);
        check(li.includes(c.evidence.replace(/^[^:]*:\s*/, '')), `${row.municipality} ${c.criterion}: ${li}`);
      }
    }
    const cohort = sel.json.proposal.cohort;
    check(cohort.length >= 1 && cohort.length <= 2, `cohort ${JSON.stringify(sel.json.proposal)}`);
    check(await org.page.locator('.sel-card.proposed').count() === cohort.length, 'the highlighted cards are not the cohort');
    const a = await org.page.locator('[data-testid=app-902]').boundingBox();
    const b = await org.page.locator('[data-testid=app-903]').boundingBox();
    check(Math.abs(a.y - b.y) < 2, 'the applications are not side by side');
    const over = await org.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 1, `the page is ${over} px wider than the window`);
    const phone = await newPage({width: 390, height: 844});
    await phone.context.addCookies(await org.context.cookies());
    await phone.page.goto(`${base}/#/programmes/${pid}/selection`);
    await phone.page.waitForSelector('[data-testid=selection]');
    const pover = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (pover > 1) console.log('# wide: ' + await phone.page.evaluate(() => [...document.querySelectorAll('body, body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('table')).slice(0, 12)
      .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`).join(' | ')));
    check(pover <= 1, `on a phone the page is ${pover} px wider than the screen`);
    await shot(phone.page, 'p04b-selection-phone');
    await phone.context.close();
  });

  await step('the selection has a compact table of all applicants beside the cards, in Finnish words', async () => {
    const p = org.page;
    const rows = await p.$$eval('[data-testid=sel-compare] tbody tr', (trs) => trs.map((r) => r.dataset.municipality));
    check(rows.sort().join() === '901,902,903', `table rows ${rows}`);
    const marks = await p.textContent('[data-testid=sel-compare] tr[data-municipality="901"] td[data-criterion=council_target]');
    check(marks.includes('✗'), `901's council target mark: ${marks}`);
    const proposal = await p.textContent('[data-testid=proposal]');
    check(!/exact|greedy/.test(proposal) && proposal.includes('Haku: kaikki vaihtoehdot'), `the method: ${proposal}`);
    const why = await p.textContent('[data-testid=app-901] [data-testid=why-not]');
    check(why.includes('Valtuuston asettama ilmastotavoite') && !/council_target|not eligible/.test(why), `why not: ${why}`);
    // A click on the table's name brings its card.
    await p.click('[data-testid=sel-compare] tr[data-municipality="903"] th a');
    check(await p.evaluate(() => document.activeElement.closest('article')?.dataset.testid) === 'app-903', 'the card has no focus');
  });

  await step('the proposal says why it is short of the minimum, and the warning goes once its cause does', async () => {
    const p = org.page;
    await editProgramme(p, async (q) => { await q.fill('#pe-capacity_min', '2'); await q.fill('#pe-capacity_max', '2'); });
    await p.goto(`${base}/#/programmes/${pid}/selection`);
    await p.waitForSelector('[data-testid=shortfall]');
    check(await p.getAttribute('[data-testid=shortfall]', 'data-reason') === 'too_few_candidates', 'not too few');
    const text = await p.textContent('[data-testid=shortfall]');
    check(/vain 1\b/.test(text) && /vähimmäismäärä 2/.test(text), `the shortfall: ${text}`);
    // The organiser overrides 901's unmet criterion: two candidates, the warning goes.
    const card = '[data-testid=app-901]';
    await p.click(`${card} details.override summary`);
    await p.fill(`${card} input[id^=oreason-]`, 'Teollisuuskaupunki, jolla on suurin tarve');
    await p.fill(`${card} input[id^=ocond-]`, 'asettaa tavoitteen ohjelman aikana');
    await p.click(`${card} details.override button`);
    await p.waitForSelector(`${card} .tags >> text=hyväksytty poikkeuksena`);
    check(await p.locator('[data-testid=shortfall]').count() === 0, 'the warning stays after its cause is gone');
    // The card shows the condition, not the form's example text.
    const over = await p.textContent(`${card} [data-testid=override-reason]`);
    check(over.includes('ehto: asettaa tavoitteen ohjelman aikana') && !over.includes('esim.'), `the override: ${over}`);
    // A region limit of 50 % binds: the candidates are of one region.
    await editProgramme(p, async (q) => { await q.fill('#pe-max_region_share', '50'); });
    await p.goto(`${base}/#/programmes/${pid}/selection`);
    await p.waitForSelector('[data-testid=shortfall]');
    check(await p.getAttribute('[data-testid=shortfall]', 'data-reason') === 'region_limit', 'the region limit does not bind');
    check((await p.textContent('[data-testid=shortfall]')).includes('maakuntaraja'), 'the shortfall does not name the region limit');
    const left = await p.$$eval('[data-testid=why-not]', (els) => els.map((e) => e.textContent));
    check(left.some((w) => w.includes('maakuntaraja')) && !left.some((w) => /left out|easy_and_hard/.test(w)), `why not: ${left}`);
    await shot(p, 'p03b-shortfall');
    await editProgramme(p, async (q) => {
      await q.fill('#pe-max_region_share', '100');
      await q.fill('#pe-capacity_min', '1');
      await q.fill('#pe-capacity_max', '2');
    });
    await p.goto(`${base}/#/programmes/${pid}/selection`);
    await p.waitForSelector('[data-testid=selection]');
    check(await p.locator('[data-testid=shortfall]').count() === 0, 'a warning without a cause');
  });

  await step('the organiser accepts 901 with a reason and 902; the notifications are listed', async () => {
    const p = org.page;
    const card = '[data-testid=app-901]';
    // A waitlisting without a reason is refused at the reason field.
    await p.click(`${card} button[data-action=waitlisted]`);
    await p.waitForFunction((c) => document.querySelector(`${c} .decide .field-error`)?.textContent.length > 0, card);
    await p.fill(`${card} [data-testid=reason-901]`, 'Teollisuuskaupunki; ehtona valtuuston tavoite');
    await p.click(`${card} button[data-action=accepted]`);
    await p.waitForSelector(`${card}[class*=dec-accepted]`);
    await p.click('[data-testid=app-902] button[data-action=accepted]');
    await p.waitForSelector('[data-testid=app-902][class*=dec-accepted]');
    const sel = await call(p, 'GET', `/api/programmes/${pid}/proposal`);
    const id = sel.json.applications.find((x) => x.municipality === '901').application_id;
    const a = await call(p, 'GET', `/api/applications/${id}`);
    check(a.json.decision.decision === 'accepted' && a.json.decision.reason === 'Teollisuuskaupunki; ehtona valtuuston tavoite',
      `decision ${JSON.stringify(a.json.decision)}`);
    check(a.json.override && a.json.override.condition === 'asettaa tavoitteen ohjelman aikana', `override ${JSON.stringify(a.json.override)}`);
    check(/asettaa tavoitteen ohjelman aikana/.test(a.json.notification.body), 'the condition is not in the notification');
    // The decision notifications, one per decision, in the municipality's language.
    const notes = await p.$$eval('[data-testid=notifications] li', (lis) => lis.map((li) => li.dataset.municipality));
    check(notes.sort().join() === '901,902', `notifications ${notes}`);
    const api = (await call(p, 'GET', `/api/programmes/${pid}/notifications`)).json;
    const n901 = await p.textContent('[data-testid=notifications] li[data-municipality="901"]');
    check(n901.includes(api.find((x) => x.municipality === '901').subject) && n901.includes('suomi'), `the notification: ${n901}`);
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, 'p04-selection');
  });

  await step('the programme report is CSP-clean: no inline style or script, its stylesheet loads', async () => {
    const r = await call(org.page, 'GET', `/api/programmes/${pid}/report?format=html`);
    check(r.status === 200 && /text\/html/.test(r.type), `report: ${r.status} ${r.type}`);
    check(!/<style[\s>]/i.test(r.text) && !/<script[\s>]/i.test(r.text) && !/\sstyle=/i.test(r.text) &&
      !/\son[a-z]+=/i.test(r.text), 'the report has inline style or script');
    const link = /<link rel="stylesheet" href="([^"]+)">/.exec(r.text);
    check(link, 'the report links no stylesheet');
    const css = await org.page.evaluate(async (u) => (await fetch(u)).status, link[1]);
    check(css === 200, `${link[1]}: ${css}`);
    await org.page.goto(`${base}/api/programmes/${pid}/report?format=html`);
    const border = await org.page.evaluate(() => getComputedStyle(document.querySelector('td')).borderTopStyle);
    check(border === 'solid', `the stylesheet does not apply: border ${border}`);
    await shot(org.page, 'p05-report');
  });

  await step('the cohort page: a contact day added (a day outside its period refused), attendance only for days that have taken place, a day deleted', async () => {
    const p = org.page;
    await p.goto(`${base}/#/programmes/${pid}/cohort`);
    await p.waitForSelector('[data-testid=dashboard]');
    const before = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json;
    const count = (cd) => cd.periods.reduce((n, x) => n + x.days.length, 0);
    check(count(before) === 3, `${count(before)} days`);
    await p.selectOption('#nd-period', String(before.periods[0].id));
    await p.fill('#nd-day', day(200));
    await p.fill('#nd-place', 'Lieksa');
    await p.click('[data-testid=new-day] button[type=submit]');
    await p.waitForFunction(() => document.querySelector('#nd-day-err')?.textContent.length > 0);
    check((await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json.periods[0].days.length === 1, 'a day outside its period was stored');
    await p.fill('#nd-day', day(-7));
    await p.click('[data-testid=new-day] button[type=submit]');
    await p.waitForFunction((n) => document.querySelectorAll('details.contact-day').length === n, 4);
    const cd = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json;
    check(cd.participants.length >= 2, 'no participants to mark');
    // A day to come takes no attendance: the page says so, the API refuses it.
    const future = cd.periods[1].days[0];
    check(await p.getAttribute(`[data-testid=day-${future.id}]`, 'data-future') === 'true', 'the day to come is not marked');
    check(await p.locator(`[data-testid=day-${future.id}] [data-action=save-attendance]`).count() === 0, 'a day to come can be saved');
    const refused = await call(setup.page, 'PUT', `/api/contact-days/${future.id}/attendance`,
      {attendance: [{participant_id: cd.participants[0].id, present: true}]});
    check(refused.status === 422 && refused.json.error.field === 'day', `attendance of a day to come: ${refused.status} ${refused.text}`);
    const first = cd.periods[0].days.find((d) => d.place === 'Joensuu');
    await p.click(`[data-testid=day-${first.id}] summary`);
    await p.check(`#att-${first.id}-${cd.participants[0].id}`);
    await p.click(`[data-testid=day-${first.id}] [data-action=save-attendance]`);
    await p.waitForFunction(() => document.querySelector('[data-testid=contact-days] .status')?.textContent.length > 0);
    const att = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json.attendance;
    check(att.some((a) => a.contact_day_id === first.id && a.participant_id === cd.participants[0].id && a.present), `attendance ${JSON.stringify(att)}`);
    const dash = (await call(p, 'GET', `/api/programmes/${pid}/dashboard`)).json;
    check(dash.days_held === 1 && dash.contact_days === 4, `held ${dash.days_held} of ${dash.contact_days}`);
    check((await p.textContent('[data-testid=dashboard] caption')).includes('1/4'), 'the caption does not count the day held');
    const added = cd.periods[0].days.find((d) => d.place === 'Lieksa');
    p.once('dialog', (dlg) => dlg.accept());
    await p.click(`[data-testid=day-${added.id}] summary`);
    await p.click(`[data-testid=day-${added.id}] [data-action=delete-day]`);
    await p.waitForFunction((n) => document.querySelectorAll('details.contact-day').length === n, 3);
    check(count((await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json) === 3, 'the day was not deleted');
    await shot(p, 'p06-cohort');
  });

  await step('own funding: the organiser marks 901 invoiced and paid', async () => {
    const p = org.page;
    const row = (await call(p, 'GET', `/api/programmes/${pid}/dashboard`)).json.rows.find((r) => r.municipality === '901');
    const form = '[data-testid=funding] form[data-municipality="901"]';
    await p.fill(`#fu-inv-${row.application_id}`, day(-4));
    await p.click(`${form} button[type=submit]`);
    await p.waitForFunction(() => /laskutettu/.test(document.querySelector('[data-testid=dashboard] tr[data-municipality="901"]')?.textContent || ''));
    await p.fill(`#fu-paid-${row.application_id}`, day(-1));
    await p.click(`${form} button[type=submit]`);
    await p.waitForFunction(() => /maksettu/.test(document.querySelector('[data-testid=dashboard] tr[data-municipality="901"]')?.textContent || ''));
    const a = (await call(p, 'GET', `/api/applications/${row.application_id}`)).json;
    check(a.own_funding.invoiced_at === day(-4) && a.own_funding.paid_at === day(-1), `funding ${JSON.stringify(a.own_funding)}`);
    const dash = (await call(p, 'GET', `/api/programmes/${pid}/dashboard`)).json;
    check(dash.totals.paid === 1, `paid ${dash.totals.paid}`);
  });

  await step('the editor keeps the sparring log: a commitment added and marked done; the dashboard counts it', async () => {
    const p = ed.page;
    await p.goto(`${base}/#/programmes/${pid}`);
    await p.click('[data-testid=to-sparring-901]');
    await p.waitForSelector('[data-testid=sparring-log]');
    check((await p.textContent('[data-testid=sparring-problem]')).includes('teollisuuden höyryn päästöt'), 'the chosen problem is not shown');
    // A commitment without its owner is refused at the owner field.
    await p.selectOption('#ns-kind', 'commitment');
    await p.fill('#ns-body', 'Joukkoliikennelinjaus valtuustoon');
    await p.click('[data-testid=new-entry] button[type=submit]');
    await p.waitForFunction(() => document.querySelector('#ns-owner-err')?.textContent.length > 0
      || document.querySelector('#ns-due-err')?.textContent.length > 0);
    await p.fill('#ns-owner', 'Tekninen johtaja');
    await p.fill('#ns-due', day(120));
    await p.click('[data-testid=new-entry] button[type=submit]');
    await p.waitForSelector('li.spar-commitment');
    await p.check('li.spar-commitment input[type=checkbox]');
    await p.waitForSelector('[data-kind=commitment] h2 >> text=0/1 avoinna');
    const sel = await call(org.page, 'GET', `/api/programmes/${pid}/proposal`);
    const app901 = sel.json.applications.find((x) => x.municipality === '901').application_id;
    for (let i = 0; i < 20; i++) {
      const log = (await call(p, 'GET', `/api/applications/${app901}/sparring`)).json;
      if (log.some((e) => e.kind === 'commitment' && e.done)) break;
      await p.waitForTimeout(100);
    }
    const dash = (await call(org.page, 'GET', `/api/programmes/${pid}/dashboard`)).json;
    const row = dash.rows.find((r) => r.municipality === '901');
    check(row.commitments.done === 1 && row.commitments.open === 0, `commitments ${JSON.stringify(row.commitments)}`);
    await shot(p, 'p07-sparring');
    await org.page.goto(`${base}/#/programmes/${pid}/cohort`);
    await org.page.reload(); // the same hash as before: load it afresh
    await org.page.waitForSelector('[data-testid=commit-901]');
    check((await org.page.textContent('[data-testid=commit-901]')).startsWith('1 tehty'), 'the dashboard does not show the commitment done');
    const xlsx = await org.page.getAttribute('[data-testid=report-xlsx]', 'href');
    const r = await org.page.request.get(base + xlsx);
    check(r.status() === 200 && (await r.body()).subarray(0, 2).toString() === 'PK', `report xlsx ${r.status()}`);
  });

  await step('the organiser forms peer groups; forming again asks first; the groups are edited by hand; a member sees the comparison', async () => {
    const p = org.page;
    await p.click('[data-action=form-similarity]');
    await p.waitForSelector('ul.groups li');
    const formed = (await call(p, 'GET', `/api/programmes/${pid}/peer-groups`)).json;
    check(formed.length === 1 && formed[0].members.length === 2, `formed ${JSON.stringify(formed)}`);
    const label = await p.textContent('ul.groups li a');
    check(!/Vertaisryhmä Vertaisryhmä/.test(label) && /^Vertaisryhmä 1/.test(label), `the group's name: ${label}`);
    // Forming again replaces them: the organiser is asked, and a no keeps them.
    let asked = null;
    p.once('dialog', (dlg) => { asked = dlg.message(); dlg.dismiss(); });
    await p.click('[data-action=form-problem]');
    await p.waitForFunction(() => true);
    for (let i = 0; i < 20 && asked === null; i++) await p.waitForTimeout(50);
    check(asked && /korvataan/.test(asked), `not asked: ${asked}`);
    const kept = (await call(p, 'GET', `/api/programmes/${pid}/peer-groups`)).json;
    check(kept.length === 1 && kept[0].id === formed[0].id && kept[0].basis === 'similarity', `after a no: ${JSON.stringify(kept)}`);
    // By hand: a second group for 902, named.
    await p.click('[data-testid=group-editor] summary');
    await p.click('[data-action=add-group]');
    await p.fill('#ge-name-1', 'Järvikunnat');
    await p.selectOption('#ge-m-902', '1');
    await p.click('[data-action=save-groups]');
    await p.waitForFunction(() => document.querySelectorAll('ul.groups li').length === 2);
    const groups = (await call(p, 'GET', `/api/programmes/${pid}/peer-groups`)).json;
    check(groups.length === 2 && groups.every((g) => g.basis === 'manual') &&
      groups.find((g) => g.name === 'Järvikunnat').members.map((m) => m.municipality).join() === '902', `by hand ${JSON.stringify(groups)}`);
    await shot(p, 'p07b-groups');
    const mine = (await call(ed.page, 'GET', `/api/programmes/${pid}/peer-groups`)).json;
    check(mine.length === 1, `the editor sees ${mine.length} groups`);
    await ed.page.goto(`${base}/#/programmes/${pid}`);
    await ed.page.click(`[data-testid=to-group-${mine[0].id}]`);
    await ed.page.waitForSelector('[data-testid=comparison]');
    const codes = await ed.page.$$eval('[data-testid=comparison] tbody tr', (rows) => rows.map((r) => r.dataset.municipality));
    check(codes.includes('901'), `rows ${codes}`);
    check(codes.join() === [...codes].sort().join(), `not in code order: ${codes}`);
    const h1 = await ed.page.textContent('h1');
    check(!/Vertaisryhmä Vertaisryhmä/.test(h1), `the heading: ${h1}`);
    await shot(ed.page, 'p08-comparison');
  });

  await step('the programme report follows the UI language: fi, sv, en; another lang is a 422 naming lang', async () => {
    const p = org.page;
    await p.goto(`${base}/#/programmes/${pid}/cohort`);
    await p.waitForSelector('[data-testid=report-html]');
    const href = await p.getAttribute('[data-testid=report-html]', 'href');
    check(/lang=fi/.test(href) && /lang=fi/.test(await p.getAttribute('[data-testid=report-xlsx]', 'href')), `the links: ${href}`);
    const words = {fi: ['lang="fi"', '<th>Kunta</th>', 'Lähipäivät', 'maksettu'], sv: ['lang="sv"', '<th>Kommun</th>', 'Närdagar', 'betald'],
      en: ['lang="en"', '<th>Municipality</th>', 'Contact days', 'paid']};
    for (const [lang, want] of Object.entries(words)) {
      const r = await call(p, 'GET', `/api/programmes/${pid}/report?format=html&lang=${lang}`);
      check(r.status === 200 && want.every((w) => r.text.includes(w)), `report in ${lang}: ${r.status} ${r.text.slice(0, 400)}`);
    }
    const fi = (await call(p, 'GET', `/api/programmes/${pid}/report?format=html&lang=fi`)).text;
    check(!/Applications|Gap at start|not invoiced|civil_service/.test(fi), 'English in the Finnish report');
    const bad = await call(p, 'GET', `/api/programmes/${pid}/report?format=html&lang=de`);
    check(bad.status === 422 && bad.json.error.field === 'lang', `lang=de: ${bad.status} ${bad.text}`);
    const x = await p.request.get(`${base}/api/programmes/${pid}/report?format=xlsx&lang=sv`);
    check(x.status() === 200 && (await x.body()).subarray(0, 2).toString() === 'PK', `xlsx sv ${x.status()}`);
  });

  await step('the score weights: saving a weight re-scores the applications', async () => {
    const p = org.page;
    await p.goto(`${base}/#/programmes/${pid}/selection`);
    await p.waitForSelector('[data-testid=weights]');
    const before = (await call(p, 'GET', `/api/programmes/${pid}/proposal`)).json;
    await p.click('[data-testid=weights] summary');
    await p.fill('#w-eligibility', String(before.weights.eligibility + 10));
    await p.click('[data-action=save-weights]');
    await p.waitForFunction(() => document.querySelector('[data-testid=weights]') && !document.querySelector('[data-testid=weights]').open);
    const after = (await call(p, 'GET', `/api/programmes/${pid}/proposal`)).json;
    check(after.weights.eligibility === before.weights.eligibility + 10, `weights ${JSON.stringify(after.weights)}`);
    const changed = after.applications.some((a) => a.score !== before.applications.find((b) => b.application_id === a.application_id).score);
    check(changed, 'no score changed');
    check((await p.textContent('[data-testid=app-901] [data-testid=decision-reason]')).includes('Teollisuuskaupunki'), 'the decision reason is not on the card');
  });

  await step('the programme editor, the selection and the cohort page fit a phone', async () => {
    const phone = await newPage({width: 390, height: 844});
    await phone.context.addCookies(await org.context.cookies());
    for (const [hash, ready] of [['#/programmes/new', '[data-testid=programme-editor]'],
      [`#/programmes/${pid}/cohort`, '[data-testid=dashboard]'], [`#/programmes/${pid}/selection`, '[data-testid=sel-compare]']]) {
      await phone.page.goto(`${base}/${hash}`);
      await phone.page.waitForSelector(ready);
      if (hash.endsWith('new')) {
        await phone.page.click('[data-action=add-period]');
        await phone.page.click('[data-period="0"] [data-action=add-day]');
      }
      for (const d of await phone.page.$$('details')) await d.evaluate((x) => { x.open = true; });
      const over = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(over <= 1, `${hash}: the page is ${over} px wider than the screen`);
    }
    await shot(phone.page, 'p10-selection-phone');
    await phone.context.close();
  });

  await step('the programme pages speak of programmes when access is refused', async () => {
    const p = ed.page;
    for (const hash of [`#/programmes/${pid}/selection`, `#/programmes/${pid}/cohort`, '#/programmes/new']) {
      await p.goto(`${base}/${hash}`);
      await p.waitForSelector('[data-testid=error-page]');
      const text = await p.textContent('[data-testid=error-page]');
      check(/ohjelma/i.test(text) && !/kuntaan tai suunnitelmaan/.test(text), `${hash}: ${text}`);
    }
  });

  await step('no programme view in Finnish or Swedish shows a catalogue key or English catalogue text', async () => {
    const p = org.page;
    const sel = (await call(p, 'GET', `/api/programmes/${pid}/proposal`)).json;
    const app901 = sel.applications.find((x) => x.municipality === '901').application_id;
    const group = (await call(p, 'GET', `/api/programmes/${pid}/peer-groups`)).json[0].id;
    await scanView(p, '#/programmes', '[data-testid=programme-list]');
    await scanView(p, `#/programmes/${pid}`, '[data-testid=edit-programme]');
    await scanView(p, '#/programmes/new', '[data-testid=programme-editor]');
    await scanView(p, `#/programmes/${pid}/selection`, '[data-testid=selection]');
    await scanView(p, `#/programmes/${pid}/cohort`, '[data-testid=dashboard]');
    await scanView(p, `#/programmes/${pid}/sparring/${app901}`, '[data-testid=sparring-log]');
    await scanView(p, `#/peer-groups/${group}`, '[data-testid=comparison]');
    // The editor's form too, and its application's eligibility.
    await scanView(ed.page, `#/programmes/${pid}/apply`, '[data-testid=application-form]');
    // The editor of the programme: open it in Swedish.
    await p.evaluate(() => localStorage.setItem('ilmava.lang', 'sv'));
    await p.goto(`${base}/#/programmes/${pid}`);
    await p.reload();
    await p.waitForSelector('[data-testid=edit-programme]');
    await p.click('[data-testid=edit-programme]');
    await p.waitForSelector('[data-testid=programme-editor]');
    const bad = await untranslated(p, 'sv');
    check(bad.length === 0, `the programme editor in sv: ${JSON.stringify(bad)}`);
    await shot(p, 'p09-editor-sv');
    await p.evaluate(() => localStorage.setItem('ilmava.lang', 'fi'));
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
