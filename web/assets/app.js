// ilmava's browser UI: start-up, the session, the hash routes and the page
// frame (breadcrumbs, language switch, demo banner). The views live in
// views-muni.js, views-plan.js and views-programme.js.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, clear, announce} from './dom.js';
import {get, post, setCsrf, ApiError} from './api.js';
import {t, setLang, getLang, setSectors, LANGS} from './i18n.js';
import {destroyCharts} from './charts.js';
import {viewLogin, viewChooser, viewOverview} from './views-muni.js';
import {viewPlan, viewPublic, viewPublicIndex} from './views-plan.js';
// The programme's views load on demand: the plan views, which every
// municipality opens first, do not wait for them.
const programmeViews = () => import('./views-programme.js');
const cohortViews = () => import('./views-cohort.js');

/** What the views share: the user, the municipalities, small caches. */
export const app = {
  me: null,            // {user, csrf_token} or null
  munis: null,         // GET /api/municipalities
  cache: new Map(),    // path -> promise of JSON (read-only data)
  token: 0,            // the current render; stale renders stop
  navigate(hash) { if (location.hash === hash) render(); else location.hash = hash; },
  rerender() { render(); },
  setSession,
  cached,
  crumbs,
  demo,
  canWrite,
};

function setSession(me) {
  app.me = me;
  setCsrf(me ? me.csrf_token : null);
  app.cache.clear();
  app.munis = null;
  renderWho();
}

/** A GET, remembered until the session changes or `drop` is called. */
function cached(path) {
  if (!app.cache.has(path)) {
    const p = get(path);
    app.cache.set(path, p);
    p.catch(() => app.cache.delete(path));
  }
  return app.cache.get(path);
}

function canWrite(code) {
  const u = app.me && app.me.user;
  if (!u) return false;
  return u.role === 'organiser' || (u.role === 'editor' && u.municipalities.includes(code));
}

/** The breadcrumb trail: [[label, hash], ...]; the last is the page. */
function crumbs(list) {
  const nav = document.getElementById('crumbs');
  nav.setAttribute('aria-label', t('nav.crumbs'));
  clear(nav);
  const ol = h('ol', {});
  list.forEach(([label, hash], i) => {
    const last = i === list.length - 1;
    ol.append(h('li', {}, last ? h('span', {'aria-current': 'page'}, label) : h('a', {href: hash}, label)));
  });
  nav.append(ol);
}

/** Shows or hides the banner that says the data is made up. */
function demo(on) {
  const b = document.getElementById('demo-banner');
  b.hidden = !on;
  b.textContent = on ? t('demo.banner') : '';
}

function renderWho() {
  const who = clear(document.getElementById('who'));
  if (app.me) {
    const role = app.me.user.role;
    if (role === 'organiser' || role === 'editor')
      who.append(h('a', {href: '#/programmes', 'data-testid': 'nav-programmes'}, t('nav.programmes')));
    who.append(h('span', {class: 'email', 'data-testid': 'who'}, app.me.user.email),
      h('button', {type: 'button', class: 'link', onclick: logout}, t('nav.logout')));
  } else {
    who.append(h('a', {href: '#/public', 'data-testid': 'nav-public'}, t('public.index')), ' ',
      h('a', {href: '#/login'}, t('nav.login')));
  }
}

async function logout() {
  try { await post('/api/logout'); } catch { /* the session may be gone already */ }
  setSession(null);
  app.navigate('#/login');
}

function renderFrame() {
  document.documentElement.lang = getLang();
  document.title = t('app.title');
  for (const b of document.querySelectorAll('#lang button')) {
    b.setAttribute('aria-pressed', b.dataset.lang === getLang() ? 'true' : 'false');
  }
  document.getElementById('foot-text').textContent = t('foot.text');
  document.getElementById('foot-chart').textContent = t('foot.chart');
  renderWho();
}

/** Parses "#/m/901/plans/1/pathway" into a route. */
function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'login') return {view: 'login'};
  if (parts[0] === 'public' && parts[1] === 'plans' && parts[2]) return {view: 'public', id: parts[2]};
  if (parts[0] === 'public' && parts.length <= 2) return {view: 'public-index'};
  if (parts[0] === 'm' && parts[1] && parts.length === 2) return {view: 'overview', code: parts[1]};
  if (parts[0] === 'm' && parts[1] && parts[2] === 'decision') return {view: 'decision', code: parts[1]};
  if (parts[0] === 'm' && parts[1] && parts[2] === 'plans' && parts[3])
    return {view: 'plan', code: parts[1], id: parts[3], tab: parts[4] || 'pathway'};
  if (parts[0] === 'programmes' && parts.length === 1) return {view: 'programmes'};
  if (parts[0] === 'programmes' && parts[1] && parts.length === 2) return {view: 'programme', id: parts[1]};
  if (parts[0] === 'programmes' && parts[1] && parts[2] === 'selection') return {view: 'selection', id: parts[1]};
  if (parts[0] === 'programmes' && parts[1] && parts[2] === 'apply') return {view: 'apply', id: parts[1], code: parts[3]};
  if (parts[0] === 'programmes' && parts[1] && parts[2] === 'cohort') return {view: 'cohort', id: parts[1]};
  if (parts[0] === 'programmes' && parts[1] && parts[2] === 'sparring' && parts[3]) return {view: 'sparring', id: parts[1], app: parts[3]};
  if (parts[0] === 'peer-groups' && parts[1]) return {view: 'comparison', id: parts[1]};
  return {view: 'home'};
}

async function render() {
  const token = ++app.token;
  destroyCharts();
  renderFrame();
  demo(false);
  const main = document.getElementById('main');
  const r = route();
  const ctx = {
    main,
    live: () => token === app.token,
    show(...nodes) { if (token === app.token) { clear(main); nodes.forEach((n) => main.append(n)); } },
  };
  ctx.show(h('p', {class: 'loading', role: 'status'}, t('loading')));
  try {
    if (r.view === 'public') await viewPublic(ctx, r);
    else if (r.view === 'public-index') await viewPublicIndex(ctx);
    else if (!app.me) {
      if (r.view !== 'login') sessionStorage.setItem('ilmava.after', location.hash);
      await viewLogin(ctx);
    } else if (r.view === 'login') app.navigate('#/');
    else if (r.view === 'home') await viewChooser(ctx);
    else if (r.view === 'overview') await viewOverview(ctx, r);
    else if (r.view === 'decision') await toDecision(r.code);
    else if (r.view === 'plan') await viewPlan(ctx, r);
    else if (r.view === 'programmes') await (await programmeViews()).viewProgrammes(ctx);
    else if (r.view === 'programme') await (await programmeViews()).viewProgramme(ctx, r);
    else if (r.view === 'selection') await (await programmeViews()).viewSelection(ctx, r);
    else if (r.view === 'apply') await (await programmeViews()).viewApply(ctx, r);
    else if (r.view === 'cohort') await (await cohortViews()).viewCohort(ctx, r);
    else if (r.view === 'sparring') await (await cohortViews()).viewSparring(ctx, r);
    else if (r.view === 'comparison') await (await cohortViews()).viewComparison(ctx, r);
  } catch (e) {
    if (!ctx.live()) return;
    if (e instanceof ApiError && e.status === 401 && !r.view.startsWith('public')) {
      setSession(null);
      sessionStorage.setItem('ilmava.after', location.hash);
      await viewLogin(ctx);
      return;
    }
    ctx.show(errorPage(e));
  }
  if (ctx.live()) {
    performance.mark('ilmava-view-ready');
    const h1 = main.querySelector('h1');
    if (h1) { h1.tabIndex = -1; if (app.focusHeading) h1.focus({preventScroll: true}); }
    app.focusHeading = true;
  }
}

/** The eligibility criterion's link: the decision form of the
 * municipality's newest plan, or its page when it has no plan yet. */
async function toDecision(code) {
  const plans = await get(`/api/municipalities/${code}/plans`);
  const p = plans.reduce((a, b) => (!a || b.id > a.id ? b : a), null);
  location.replace(p ? `#/m/${code}/plans/${p.id}/decision` : `#/m/${code}`);
}

/** A page for a refusal or a failure, with what the user can do. */
export function errorPage(e) {
  const status = e instanceof ApiError ? e.status : 0;
  const key = e instanceof ApiError && e.fault ? e.fault
    : status === 403 ? 'err.forbidden' : status === 404 ? 'err.notfound' : 'err.failed';
  return h('section', {class: 'panel error-page', 'data-testid': 'error-page', 'data-status': status},
    h('h1', {}, t(key + '.title')),
    h('p', {}, t(key)),
    status || !e ? null : h('p', {class: 'muted'}, String(e.message || e)),
    h('p', {}, h('a', {href: '#/'}, t('nav.home'))));
}

async function start() {
  for (const b of document.querySelectorAll('#lang button')) {
    b.addEventListener('click', () => {
      if (b.dataset.lang === getLang() || !LANGS.includes(b.dataset.lang)) return;
      setLang(b.dataset.lang);
      app.focusHeading = false;
      render().then(() => { b.focus(); announce(t('lang.changed')); });
    });
  }
  setLang(getLang());
  const [me, sectors] = await Promise.all([
    get('/api/me').catch((e) => { if (e.status === 401) return null; throw e; }),
    get('/api/sectors').catch(() => []),
  ]);
  setSectors(sectors);
  setSession(me);
  app.focusHeading = false;
  window.addEventListener('hashchange', () => render());
  await render();
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  const main = document.getElementById('main');
  clear(main);
  main.append(errorPage(e));
});
