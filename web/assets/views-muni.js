// Views before a plan: log in, choose a municipality, and the
// municipality's overview (inventory by sector, the three scopes side by
// side, the source, its plans).
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, announce} from './dom.js';
import {get, post, postText, ApiError} from './api.js';
import {errorText} from './errors.js';
import {t, num, tonnes, pct, share, sectorName, sectorList, date} from './i18n.js';
import {chartBlock, makeChart, chartAvailable, sectorColor, hatch, numTicks} from './charts.js';
import {app} from './app.js';

export const SCOPES = ['total', 'non_ets', 'hinku'];

export function muniName(m) {
  if (!m) return '';
  const lang = document.documentElement.lang;
  return (lang === 'sv' && m.name_sv) ? m.name_sv : m.name_fi || m.name || m.code;
}

/** The three inventories of a municipality, keyed by scope. */
export async function inventories(code) {
  const all = await Promise.all(SCOPES.map((s) => app.cached(`/api/municipalities/${code}/inventory?scope=${s}`)));
  return Object.fromEntries(SCOPES.map((s, i) => [s, all[i]]));
}

/** A year's total from an inventory document, or null. */
export function totalIn(inv, y) {
  const r = inv.totals.find((x) => x.year === y);
  return r ? r.t : null;
}

export function sourceLine(m, inv) {
  const years = inv.totals.map((x) => x.year);
  const span = years.length ? `${years[0]}–${years[years.length - 1]}` : '–';
  const src = inv.sources && inv.sources.length
    ? inv.sources.map((s) => `${s.file || s.kind} (${date(s.imported_at)})`).join(', ')
    : (m.synthetic ? t('source.synthetic') : t('source.syke'));
  return h('p', {class: 'source', 'data-testid': 'source'}, h('strong', {}, t('source.label') + ': '),
    src, ' · ', t('source.years', {span}));
}

export async function viewLogin(ctx) {
  app.crumbs([[t('nav.login'), '#/login']]);
  const email = h('input', {id: 'login-email', type: 'email', name: 'email', autocomplete: 'username', required: true});
  const pw = h('input', {id: 'login-password', type: 'password', name: 'password',
    autocomplete: 'current-password', required: true});
  const msg = h('p', {class: 'form-error', role: 'alert', id: 'login-error'});
  const btn = h('button', {type: 'submit', class: 'primary'}, t('login.submit'));
  const form = h('form', {class: 'panel narrow', 'aria-describedby': 'login-error', onsubmit: async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    btn.disabled = true;
    try {
      const me = await post('/api/login', {email: email.value.trim(), password: pw.value});
      app.setSession(me);
      const after = sessionStorage.getItem('ilmava.after');
      sessionStorage.removeItem('ilmava.after');
      app.navigate(after && after !== '#/login' ? after : '#/');
    } catch (e) {
      btn.disabled = false;
      msg.textContent = e instanceof ApiError && e.status === 401 ? t('login.bad')
        : e instanceof ApiError && e.status === 429 ? t('login.limited')
        : e instanceof ApiError && e.fault ? t(e.fault) : t('err.failed');
      pw.focus();
    }
  }},
  h('h1', {}, t('login.title')),
  h('p', {class: 'muted'}, t('login.intro')),
  h('div', {class: 'field'}, h('label', {for: 'login-email'}, t('login.email')), email),
  h('div', {class: 'field'}, h('label', {for: 'login-password'}, t('login.password')), pw),
  msg, btn);
  ctx.show(form);
}

async function municipalities() {
  if (!app.munis) app.munis = await get('/api/municipalities');
  return app.munis;
}

export async function viewChooser(ctx) {
  const u = app.me.user;
  const all = await municipalities();
  const mine = u.role === 'organiser' ? all : all.filter((m) => u.municipalities.includes(m.code));
  if (u.role !== 'organiser' && mine.length === 1) {
    app.navigate(`#/m/${mine[0].code}`);
    return;
  }
  app.crumbs([[t('nav.home'), '#/']]);
  const list = h('ul', {class: 'muni-list', id: 'muni-list'});
  const search = h('input', {id: 'muni-search', type: 'search', autocomplete: 'off',
    'aria-controls': 'muni-list'});
  const count = h('p', {class: 'muted', role: 'status'});
  const fill = () => {
    const q = search.value.trim().toLowerCase();
    list.replaceChildren();
    const hits = mine.filter((m) => !q || m.code.includes(q) || (m.name_fi || '').toLowerCase().includes(q) ||
      (m.name_sv || '').toLowerCase().includes(q));
    for (const m of hits) {
      list.append(h('li', {}, h('a', {href: `#/m/${m.code}`}, muniName(m)),
        h('span', {class: 'muted'}, ` ${m.code}`, m.region ? ` · ${m.region}` : '',
          m.population ? ` · ${t('muni.population', {n: num(m.population)})}` : ''),
        m.synthetic ? h('span', {class: 'tag demo'}, t('demo.tag')) : null));
    }
    count.textContent = t('muni.count', {n: hits.length, all: mine.length});
  };
  search.addEventListener('input', fill);
  fill();
  ctx.show(h('section', {class: 'panel'},
    h('h1', {}, t('muni.choose')),
    mine.length ? null : h('p', {}, t('muni.none')),
    h('div', {class: 'field'}, h('label', {for: 'muni-search'}, t('muni.search')), search),
    count, list));
}

function change(inv, from, to) {
  const a = totalIn(inv, from), b = totalIn(inv, to);
  return a && b !== null ? b / a - 1 : null;
}

/** The three scopes side by side: latest, per capita, change since 1990 and 2007. */
export function scopeCards(invs) {
  const last = Math.max(...invs.total.totals.map((x) => x.year));
  const ets = (totalIn(invs.total, last) || 0) - (totalIn(invs.non_ets, last) || 0);
  const total = totalIn(invs.total, last) || 0;
  // Per capita needs the year's population: without it, say what is missing
  // and how to bring it in, not a bare dash (issue 13, section 4).
  const popRow = invs.total.totals.find((x) => x.year === last) || {};
  const missingPop = Number.isFinite(popRow.t) && (popRow.per_capita === null || popRow.per_capita === undefined);
  const card = (s) => {
    const inv = invs[s];
    const row = inv.totals.find((x) => x.year === last) || {};
    return h('div', {class: `card scope-${s}`, 'data-testid': `scope-${s}`},
      h('h3', {}, t(`scope.${s}`)),
      h('p', {class: 'big', 'data-value': row.t}, tonnes(row.t)),
      h('p', {class: 'muted'}, t('overview.inyear', {year: last})),
      h('dl', {class: 'facts'},
        h('dt', {}, t('overview.percapita')), h('dd', {'data-testid': `percapita-${s}`}, missingPop
          ? h('span', {class: 'muted'}, t('overview.percapita.none'), h('sup', {}, '*')) : `${num(row.per_capita, 1)} t`),
        h('dt', {}, t('overview.since1990')), h('dd', {}, pct(change(inv, 1990, last), 1, true)),
        h('dt', {}, t('overview.since2007')), h('dd', {}, pct(change(inv, 2007, last), 1, true))),
      h('p', {class: 'muted small'}, t(`scope.${s}.help`)));
  };
  return h('div', {class: 'scope-cards'},
    h('div', {class: 'cards3'}, SCOPES.map(card)),
    missingPop ? h('p', {class: 'help', 'data-testid': 'percapita-missing'}, '* ', t('overview.percapita.missing', {year: last})) : null,
    ets > 0 ? h('p', {class: 'ets-note', 'data-testid': 'ets-note'},
      t('overview.etsnote', {t: tonnes(ets), share: share(total ? ets / total : 0), year: last})) : null);
}

/** Streams (sector, ets) of an inventory, in the sectors' order, with their series. */
function streams(inv) {
  const order = sectorList().map((s) => s.key);
  const map = new Map();
  for (const r of inv.rows) {
    const k = `${r.sector}|${r.ets ? 1 : 0}`;
    if (!map.has(k)) map.set(k, {sector: r.sector, ets: r.ets, values: new Map()});
    map.get(k).values.set(r.year, r.t);
  }
  return [...map.values()].sort((a, b) => (order.indexOf(a.sector) - order.indexOf(b.sector)) ||
    (a.ets - b.ets));
}

export function inventoryChart(inv, scope) {
  const years = inv.totals.map((x) => x.year);
  const ss = streams(inv);
  const head = [t('col.year'), ...ss.map((s) => sectorName(s.sector, s.ets)), t('col.total')];
  const rows = years.map((y) => [String(y), ...ss.map((s) => num(s.values.get(y) || 0)),
    num(totalIn(inv, y))]);
  const raw = years.map((y) => [y, ...ss.map((s) => s.values.get(y) || 0), totalIn(inv, y)]);
  const block = chartBlock({id: 'inventory', title: t('overview.chart', {scope: t(`scope.${scope}`)}),
    caption: t('overview.chart.caption'), table: {head, rows, raw}, file: `inventory-${scope}`, tall: true});
  if (chartAvailable()) {
    makeChart(block.canvas, {
      type: 'line',
      data: {datasets: ss.map((s) => ({
        label: sectorName(s.sector, s.ets),
        data: years.map((y) => ({x: y, y: s.values.get(y) || 0})),
        borderColor: sectorColor(s.sector), borderWidth: 1,
        backgroundColor: s.ets ? hatch(sectorColor(s.sector)) : sectorColor(s.sector) + 'CC',
        fill: 'stack', pointRadius: 0, stack: 'inv',
      }))},
      options: {
        interaction: {mode: 'index', intersect: false},
        scales: {
          x: {type: 'linear', min: years[0], max: years[years.length - 1],
            ticks: {stepSize: 5, callback: (v) => String(v)}},
          y: {stacked: true, beginAtZero: true, ticks: numTicks(), title: {display: true, text: t('unit.t')}},
        },
        plugins: {legend: {position: 'bottom', labels: {boxWidth: 14}},
          tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${tonnes(c.parsed.y)}`,
            title: (items) => String(items[0].parsed.x)}}},
      },
    });
  }
  return block.el;
}

export async function viewOverview(ctx, r) {
  const code = r.code;
  const [m, invs, plans] = await Promise.all([
    app.cached(`/api/municipalities/${code}`), inventories(code), get(`/api/municipalities/${code}/plans`)]);
  if (!ctx.live()) return;
  app.demo(m.synthetic);
  app.crumbs([[t('nav.home'), '#/'], [muniName(m), `#/m/${code}`]]);
  let scope = sessionStorage.getItem('ilmava.scope') || 'total';
  if (!SCOPES.includes(scope)) scope = 'total';
  const chartSlot = h('div', {});
  const drawChart = () => {
    chartSlot.replaceChildren(inventoryChart(invs[scope], scope));
  };
  const scopeSwitch = h('fieldset', {class: 'segmented no-print'}, h('legend', {}, t('overview.scope')),
    SCOPES.map((s) => h('label', {}, h('input', {type: 'radio', name: 'inv-scope', value: s, checked: s === scope,
      onchange: () => { scope = s; sessionStorage.setItem('ilmava.scope', s); drawChart(); }}), t(`scope.${s}`))));
  const plansEl = h('section', {class: 'panel', 'aria-labelledby': 'plans-h'},
    h('h2', {id: 'plans-h'}, t('plans.title')),
    plans.length ? h('ul', {class: 'plan-list'}, plans.map((p) => h('li', {},
      h('a', {href: `#/m/${code}/plans/${p.id}/pathway`, 'data-testid': 'plan-link'}, p.name || t('plan.unnamed')),
      h('span', {class: 'muted'}, ' · ', t('plan.summary', {reduction: share(-p.reduction), target: p.target_year,
        base: p.base_year, scope: t(`scope.${p.scope}`)}), ' · ', t('plan.measures', {n: p.measures}),
      p.published ? h('span', {class: 'tag'}, t('publish.published')) : null)))) : h('p', {}, t('plans.none')),
    app.canWrite(code) ? newPlanForm(code, m) : null);
  ctx.show(
    h('section', {class: 'head'},
      h('h1', {}, muniName(m)),
      h('p', {class: 'muted'}, [m.region, m.population ? t('muni.population', {n: num(m.population)}) +
        ` (${m.population_year})` : null].filter(Boolean).join(' · ')),
      sourceLine(m, invs.total)),
    scopeCards(invs),
    h('section', {class: 'panel'}, scopeSwitch, chartSlot),
    plansEl,
    app.canWrite(code) ? uploadPanel(code) : null,
    peersPanel(code));
  drawChart();
}

/* ------------------------------------------------------------ inventory upload */

/** An inventory CSV uploaded in the browser (POST .../inventory): the
 * import's counts, or the error naming the line; the store is as before. */
function uploadPanel(code) {
  const file = h('input', {id: 'inv-file', type: 'file', accept: '.csv,text/csv,text/plain',
    'aria-describedby': 'inv-help'});
  const out = h('div', {role: 'status', 'data-testid': 'upload-result'});
  const btn = h('button', {type: 'submit', class: 'primary', 'data-testid': 'upload-submit'}, t('upload.submit'));
  const form = h('form', {class: 'upload-form', 'data-testid': 'upload-form', onsubmit: async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const f = file.files && file.files[0];
    if (!f) { out.append(h('p', {class: 'form-error', role: 'alert'}, t('upload.nofile'))); file.focus(); return; }
    btn.disabled = true;
    try {
      const text = await f.text();
      const r = await postText(`/api/municipalities/${code}/inventory?file=${encodeURIComponent(f.name)}`, text);
      out.append(h('p', {class: 'status ok', 'data-testid': 'upload-counts'}, t('upload.done', {file: f.name})),
        h('dl', {class: 'counts'}, ['added', 'replaced', 'unchanged', 'removed'].map((k) => [
          h('dt', {}, t(`upload.${k}`)), h('dd', {'data-count': k}, num(r[k] || 0))])),
        h('p', {}, h('a', {href: `#/m/${code}`, onclick: (e) => { e.preventDefault(); app.cache.clear(); app.rerender(); }},
          t('upload.reload'))));
      app.cache.clear();
      announce(t('upload.done', {file: f.name}));
    } catch (e) {
      const msg = e instanceof ApiError && (e.status === 422 || e.status === 413)
        ? t('upload.bad', {msg: errorText(e, {label: false})}) : errorText(e);
      out.append(h('p', {class: 'form-error', role: 'alert', 'data-testid': 'upload-error'}, msg));
      announce(msg);
    }
    btn.disabled = false;
  }},
  h('div', {class: 'field'}, h('label', {for: 'inv-file'}, t('upload.file')), file,
    h('p', {class: 'help', id: 'inv-help'}, t('upload.help'))),
  h('div', {class: 'actions'}, btn));
  return h('section', {class: 'panel no-print', 'aria-labelledby': 'upload-h'},
    h('h2', {id: 'upload-h'}, t('upload.title')), form, out);
}

/* ------------------------------------------------------------ peers */

const PEER_UNITS = {ets_share: 'share', change: 'change', population: 'count'};

function peerValue(feature, v) {
  const u = PEER_UNITS[feature];
  if (u === 'share') return pct(v, 0);
  if (u === 'change') return pct(v, 1, true);
  if (u === 'count') return num(v);
  return `${num(v, 1)} t/${t('peers.person')}`;
}

/** Those left out of the comparison: a list with each one's reason, or
 * (from an older server) only their number. */
function leftOut(v) {
  if (Array.isArray(v)) {
    return v.length ? h('details', {class: 'muted small', 'data-testid': 'peers-left-out'},
      h('summary', {}, t('peers.leftout.list', {n: num(v.length)})),
      h('ul', {}, v.map((x) => h('li', {'data-code': x.code}, `${x.name || x.code} (${x.code}): ${x.reason}`)))) : null;
  }
  return v ? h('p', {class: 'muted small', 'data-testid': 'peers-left-out'}, t('peers.leftout', {n: num(v)})) : null;
}

/** The peer finder on the municipality's page: the nearest, each with why. */
function peersPanel(code) {
  const body = h('div', {'data-testid': 'peers'}, h('p', {class: 'loading'}, t('loading')));
  get(`/api/municipalities/${code}/peers?k=5`).then((r) => {
    const items = r.peers.map((p) => h('li', {'data-peer': p.code},
      h('strong', {}, p.name), h('span', {class: 'muted'}, ` ${p.code} · ${t('peers.distance', {d: num(p.distance, 2)})}`),
      h('ul', {class: 'reasons'}, p.reasons.map((x) => h('li', {class: x.similar ? 'similar' : 'differs', 'data-feature': x.feature},
        t(x.similar ? 'peers.similar' : 'peers.differs', {feature: t(`peers.f.${x.feature}`),
          this: peerValue(x.feature, x.this), peer: peerValue(x.feature, x.peer)}))))));
    // replaceChildren would print a null: leave the absent parts out.
    body.replaceChildren(...[
      h('p', {class: 'muted'}, t('peers.intro', {year: r.municipality.year, n: num(r.compared)})),
      items.length ? h('ol', {class: 'peer-list'}, items) : h('p', {}, t('peers.none')),
      r.isolated && r.nearest_differs_most ? h('p', {class: 'muted small', 'data-testid': 'peers-isolated'},
        t('peers.isolated', {feature: t(`peers.f.${r.nearest_differs_most.feature}`)})) : null,
      leftOut(r.left_out),
      h('p', {class: 'muted small'}, t('peers.nolist'))].filter(Boolean));
  }).catch((e) => {
    body.replaceChildren(h('p', {class: 'muted', 'data-testid': 'peers-error'},
      e instanceof ApiError && e.status === 422 ? t('peers.cannot', {msg: errorText(e, {label: false})}) : errorText(e)));
  });
  return h('section', {class: 'panel', 'aria-labelledby': 'peers-h'}, h('h2', {id: 'peers-h'}, t('peers.title')), body);
}

function newPlanForm(code, m) {
  const years = m.years || [];
  const err = h('p', {class: 'form-error', role: 'alert'});
  const f = {
    name: h('input', {id: 'np-name', type: 'text', value: t('plans.newname'), 'aria-required': 'true', maxlength: 200}),
    base_year: h('select', {id: 'np-base'}, years.map((y) => h('option', {value: y, selected: y === 2007}, String(y)))),
    target_year: h('input', {id: 'np-target', type: 'number', min: 2000, max: 2100, value: 2030}),
    reduction: h('input', {id: 'np-reduction', type: 'number', min: 0, max: 100, step: 0.1, value: 80}),
    scope: h('select', {id: 'np-scope'}, SCOPES.map((s) => h('option', {value: s, selected: s === 'hinku'}, t(`scope.${s}`)))),
  };
  return h('details', {class: 'new-plan no-print'}, h('summary', {}, t('plans.new')),
    h('form', {class: 'grid-form', onsubmit: async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      if (!f.name.value.trim()) {
        err.textContent = t('plan.name.required');
        f.name.setAttribute('aria-invalid', 'true');
        f.name.focus();
        return;
      }
      try {
        const p = await post(`/api/municipalities/${code}/plans`, {name: f.name.value.trim(),
          base_year: Number(f.base_year.value), target_year: Number(f.target_year.value),
          reduction: Number(f.reduction.value) / 100, scope: f.scope.value});
        app.navigate(`#/m/${code}/plans/${p.id}/target`);
      } catch (e) {
        err.textContent = errorText(e);
      }
    }},
    h('div', {class: 'field'}, h('label', {for: 'np-name'}, t('field.name')), f.name),
    h('div', {class: 'field'}, h('label', {for: 'np-base'}, t('field.base_year')), f.base_year),
    h('div', {class: 'field'}, h('label', {for: 'np-target'}, t('field.target_year')), f.target_year),
    h('div', {class: 'field'}, h('label', {for: 'np-reduction'}, t('field.reduction_pct')), f.reduction),
    h('div', {class: 'field'}, h('label', {for: 'np-scope'}, t('field.scope')), f.scope),
    err, h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('plans.create')))));
}
