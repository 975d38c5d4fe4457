// End-to-end test of the coaching programme's UI (issue 6): the organiser
// creates a programme through the API; an editor of 901 fills and submits
// the application form in the browser (first meeting a field error for a
// participant without a level); the organiser then uses the selection view
// to override 901's unmet criterion and accept it with a reason. The
// programme report must be CSP-clean (no inline style or script).
// Screenshots go to the output folder (argument 1, or ILMAVA_E2E_OUT).
// Usage: node tests/e2e/programme.mjs [OUTDIR]   (ILMAVA_BIN names the binary)
// Exit 0 all passed, 1 a failure, 77 skipped (no chromium or node_modules).
// SPDX-License-Identifier: AGPL-3.0-or-later
import path from 'node:path';

import {requireBrowser, step, check, summary, freshStore, startServer, openBrowser, root, PW} from './lib.mjs';

const OUT = process.argv[2] || process.env.ILMAVA_E2E_OUT || path.join(root, 'build/tests/e2e-programme');
const chromium = requireBrowser();
const day = (delta) => new Date(Date.now() + delta * 86400000).toISOString().slice(0, 10);

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

const programme = {
  name: 'ILMAVA 2026', year: 2026,
  description: 'Ilmastojohtamisen valmennus kuntien ylimmälle johdolle',
  apply_from: day(-10), apply_until: day(30),
  capacity_min: 1, capacity_max: 2, own_funding_eur: 2000,
  max_region_share: 1, max_size_share: 1,
  eligibility_text: 'Valtuuston asettama ilmastotavoite; helpot ja vaikeat tavoitteet erotettu',
  phases: [
    {key: 'orientation', audience: 'civil_service'},
    {key: 'municipal_work', audience: 'civil_service'},
    {key: 'peer_learning', audience: 'both'},
    {key: 'expert_sparring', audience: 'both'}],
  periods: [
    {name: 'Jakso I', starts: day(40), ends: day(60), days: [
      {day: day(45), place: 'Joensuu', audience: 'civil_service', phase: 'orientation', agenda: 'Orientaatio'}]},
    {name: 'Jakso II', starts: day(70), ends: day(100), days: [
      {day: day(75), place: 'online', online: true, audience: 'civil_service', phase: 'municipal_work'},
      {day: day(90), place: 'Kuopio', audience: 'both', phase: 'peer_learning'}]}],
};
const application = (code) => ({
  municipality: code, climate_work: `Kunnan ${code} ilmastotyö`, has_council_target: true,
  tells_easy_from_hard: true, easy_hard_how: 'Hinta per tonni', problems: ['liikenne', 'lämmitys'],
  sparring_problem: 'liikenne', own_funding_accepted: true,
  board_decision: {body: 'Kunnanhallitus', date: day(-5), section: '§ 12', dnro: `${code}/2026`},
  participants: [{name: `Johtaja ${code}`, title: 'kunnanjohtaja', level: 'civil_service',
    phases: ['orientation', 'municipal_work']}],
  status: 'submitted',
});

let pid = null;
const org = await newPage();
const ed = await newPage();
try {
  await step('the organiser creates a programme through the API; two other municipalities apply', async () => {
    await apiLogin(org.page, ORG);
    const r = await call(org.page, 'POST', '/api/programmes', programme);
    check(r.status === 201, `POST /api/programmes: ${r.status} ${r.text}`);
    pid = r.json.id;
    check(r.json.contact_days === 3, `contact days ${r.json.contact_days}`);
    // 902's and 903's plans get a council decision so that they are eligible.
    for (const code of ['902', '903']) {
      const plans = await call(org.page, 'GET', `/api/municipalities/${code}/plans`);
      const d = await call(org.page, 'PUT', `/api/plans/${plans.json[0].id}/decision`,
        {body: 'Kunnanvaltuusto', date: '2021-06-14', section: '§ 45', dnro: `${code}/11.00/2021`});
      check(d.status === 200, `decision ${code}: ${d.status} ${d.text}`);
      const a = await call(org.page, 'POST', `/api/programmes/${pid}/applications`, application(code));
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
    check(pover <= 1, `on a phone the page is ${pover} px wider than the screen`);
    await shot(phone.page, 'p04b-selection-phone');
    await phone.context.close();
  });

  await step('the organiser overrides 901 with a reason and a condition, and accepts it with a reason', async () => {
    const p = org.page;
    const card = '[data-testid=app-901]';
    await p.click(`${card} details.override summary`);
    await p.fill(`${card} input[id^=oreason-]`, 'Teollisuuskaupunki, jolla on suurin tarve');
    await p.fill(`${card} input[id^=ocond-]`, 'asettaa tavoitteen ohjelman aikana');
    await p.click(`${card} details.override button`);
    await p.waitForSelector(`${card} .tags >> text=hyväksytty poikkeuksena`);
    // A waitlisting without a reason is refused at the reason field.
    await p.click(`${card} button[data-action=waitlisted]`);
    await p.waitForFunction((c) => document.querySelector(`${c} .decide .field-error`)?.textContent.length > 0, card);
    await p.fill(`${card} [data-testid=reason-901]`, 'Teollisuuskaupunki; ehtona valtuuston tavoite');
    await p.click(`${card} button[data-action=accepted]`);
    await p.waitForSelector(`${card}[class*=dec-accepted]`);
    const sel = await call(p, 'GET', `/api/programmes/${pid}/proposal`);
    const id = sel.json.applications.find((x) => x.municipality === '901').application_id;
    const a = await call(p, 'GET', `/api/applications/${id}`);
    check(a.json.decision.decision === 'accepted' && a.json.decision.reason === 'Teollisuuskaupunki; ehtona valtuuston tavoite',
      `decision ${JSON.stringify(a.json.decision)}`);
    check(a.json.override && a.json.override.condition === 'asettaa tavoitteen ohjelman aikana', `override ${JSON.stringify(a.json.override)}`);
    check(/asettaa tavoitteen ohjelman aikana/.test(a.json.notification.body), 'the condition is not in the notification');
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

  await step('the cohort page: a contact day added (a day outside its period refused), attendance marked, a day deleted', async () => {
    const p = org.page;
    await p.goto(`${base}/#/programmes/${pid}/cohort`);
    await p.waitForSelector('[data-testid=dashboard]');
    const before = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json;
    const count = (cd) => cd.periods.reduce((n, x) => n + x.days.length, 0);
    check(count(before) === 3, `${count(before)} days`);
    await p.fill('#nd-day', day(200));
    await p.fill('#nd-place', 'Lieksa');
    await p.click('[data-testid=new-day] button[type=submit]');
    await p.waitForFunction(() => document.querySelector('#nd-day-err')?.textContent.length > 0);
    check((await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json.periods[0].days.length === 1, 'a day outside its period was stored');
    await p.fill('#nd-day', day(50));
    await p.click('[data-testid=new-day] button[type=submit]');
    await p.waitForFunction((n) => document.querySelectorAll('details.contact-day').length === n, 4);
    const cd = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json;
    check(cd.participants.length >= 1, 'no participants to mark');
    const first = cd.periods[0].days[0];
    await p.click(`[data-testid=day-${first.id}] summary`);
    await p.check(`#att-${first.id}-${cd.participants[0].id}`);
    await p.click(`[data-testid=day-${first.id}] [data-action=save-attendance]`);
    await p.waitForFunction(() => document.querySelector('[data-testid=contact-days] .status')?.textContent.length > 0);
    const att = (await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json.attendance;
    check(att.some((a) => a.contact_day_id === first.id && a.participant_id === cd.participants[0].id && a.present), `attendance ${JSON.stringify(att)}`);
    const added = cd.periods[0].days.find((d) => d.place === 'Lieksa');
    p.once('dialog', (dlg) => dlg.accept());
    await p.click(`[data-testid=day-${added.id}] summary`);
    await p.click(`[data-testid=day-${added.id}] [data-action=delete-day]`);
    await p.waitForFunction((n) => document.querySelectorAll('details.contact-day').length === n, 3);
    check(count((await call(p, 'GET', `/api/programmes/${pid}/contact-days`)).json) === 3, 'the day was not deleted');
    await shot(p, 'p06-cohort');
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

  await step('the organiser forms peer groups; a member sees the comparison without a league table', async () => {
    const p = org.page;
    await p.click('[data-action=form-similarity]');
    await p.waitForSelector('ul.groups li');
    const groups = (await call(ed.page, 'GET', `/api/programmes/${pid}/peer-groups`)).json;
    check(groups.length === 1, `the editor sees ${groups.length} groups`);
    await ed.page.goto(`${base}/#/programmes/${pid}`);
    await ed.page.click(`[data-testid=to-group-${groups[0].id}]`);
    await ed.page.waitForSelector('[data-testid=comparison]');
    const codes = await ed.page.$$eval('[data-testid=comparison] tbody tr', (rows) => rows.map((r) => r.dataset.municipality));
    check(codes.includes('901'), `rows ${codes}`);
    check(codes.join() === [...codes].sort().join(), `not in code order: ${codes}`);
    await shot(ed.page, 'p08-comparison');
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

  await step('no console errors and no CSP violations', async () => {
    check(problems.length === 0, problems.join('\n'));
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  store.remove();
}
process.exit(summary(OUT));
