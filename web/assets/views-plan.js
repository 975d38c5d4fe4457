// A plan's views: target, measures, pathway, easy and hard, optimise,
// publish, documents; and the public read-only view of a published plan.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, announce} from './dom.js';
import {get, post, put, del, ApiError} from './api.js';
import {errorText, placeErrors} from './errors.js';
import {t, num, tonnes, pct, share, eur, sectorName, sectorList, getLang, date} from './i18n.js';
import {chartBlock, makeChart, chartAvailable, sectorColor, hatch, numTicks, LINE, CLASSES,
  CLASS_COLORS, macChart, classSwatch} from './charts.js';
import {app, errorPage} from './app.js';
import {SCOPES, inventories, totalIn, muniName, sourceLine} from './views-muni.js';

const TABS = ['target', 'measures', 'pathway', 'classes', 'optimize', 'publish', 'documents', 'decision', 'comments', 'audit'];
// The Monte Carlo draws of every view and every document (src/report/facts.c
// report_draws): the plan's own settings.draws, or DRAWS when it sets none,
// so that the UI and the documents show the same probability.
const DRAWS = 2000;
const READER_MAX_DRAWS = 20000; // the API's cap for a reader who cannot edit
const drawsOf = (plan) => {
  const d = plan.settings && plan.settings.draws > 0 ? plan.settings.draws : DRAWS;
  return app.canWrite(plan.municipality.code) ? d : Math.min(d, READER_MAX_DRAWS);
};
const runQuery = (plan) => `?draws=${drawsOf(plan)}` + (plan.settings && plan.settings.seed ? `&seed=${plan.settings.seed}` : '');
const pathwayUrl = (plan) => `/api/plans/${plan.id}/pathway` + runQuery(plan);
const measureName = (m) => m.name || m.id;

/**
 * Where a measure stands in a result (plan model 1.1): `counted` when its
 * tonnes are part of the target's cut. Otherwise it is computed but outside
 * the target's scope (an ETS measure in a non-ETS plan), or carried and not
 * computed: cancelled, or its stream has no inventory (ETS industry under
 * Hinku). `reason` says which, in the UI's language. `res` needs measures,
 * not_computed and scope.
 */
export function measureStanding(ms, res) {
  const r = (res.measures || []).find((x) => x.id === ms.id);
  if (r) return r.in_scope === false ? {counted: false, computed: true, reason: t('scope.out.ets_non_ets')}
    : {counted: true, computed: true, reason: null};
  const nc = (res.not_computed || []).find((x) => x.id === ms.id);
  if ((nc && nc.reason === 'cancelled') || ms.status === 'cancelled') {
    return {counted: false, computed: false, cancelled: true, reason: t('scope.out.cancelled')};
  }
  const reason = res.scope === 'hinku' && ms.ets ? (ms.sector === 'industry' ? t('scope.out.hinku_ets_industry')
    : t('scope.out.hinku_ets', {sector: sectorName(ms.sector)})) : t('scope.out.no_inventory', {sector: sectorName(ms.sector, ms.ets)});
  return {counted: false, computed: false, reason};
}

/** The mark of a measure outside the target's scope, with its reason. */
function outMark(st) {
  return h('span', {class: 'out-of-scope', 'data-testid': 'out-of-scope'},
    h('span', {class: 'tag out'}, t('scope.out.tag')), ' ', h('span', {class: 'why muted small'}, st.reason));
}

/** A line naming the plan's measures that do not count toward the target,
 * with their reasons (cancelled ones are left to the status column), and for
 * an editor how to repair that; null when every measure counts. */
function scopeNote(plan, res, editable) {
  const out = plan.measures.map((ms) => [ms, measureStanding(ms, res)]).filter(([, st]) => !st.counted && !st.cancelled);
  if (!out.length) return null;
  return h('p', {class: 'scope-note', 'data-testid': 'outside-scope'},
    t(editable ? 'scope.out.note' : 'scope.out.list', {list: out.map(([ms, st]) => `${measureName(ms)} (${st.reason})`).join('; ')}));
}

/** Parses a number typed in any of our languages ("12 345,6"); '' is null, junk NaN. */
function parseNum(s) {
  const v = String(s).trim().replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-').replace(',', '.');
  if (v === '') return null;
  return /^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(v) ? Number(v) : NaN;
}
/** A number for an input, in the language's decimal sign, without grouping. */
function inputNum(v, digits = 6) {
  if (v === null || v === undefined) return '';
  const s = String(Number(v.toFixed(digits)));
  return getLang() === 'en' ? s : s.replace('.', ',');
}

function targetSentence(plan) {
  const tg = plan.target;
  return t('plan.target.sentence', {reduction: share(-tg.reduction), target: tg.target_year, base: tg.base_year,
    scope: t(`scope.${tg.scope}`)});
}

async function loadPlan(code, id) {
  const plan = await get(`/api/plans/${id}`);
  if (code && plan.municipality.code !== code) throw new ApiError(404, null);
  return plan;
}

function leadContent(plan, m) {
  const f = document.createDocumentFragment();
  f.append(muniName(m), ' · ', targetSentence(plan));
  if (plan.published) f.append(h('span', {class: 'tag'}, t('publish.published')));
  return f;
}

/** The plan's frame: heading, target, tabs; `body` is the tab's content. */
function frame(plan, m, tab, body) {
  const code = plan.municipality.code;
  const tabs = h('nav', {class: 'tabs no-print', 'aria-label': t('plan.tabs')}, h('ul', {},
    TABS.map((k) => h('li', {}, h('a', {href: `#/m/${code}/plans/${plan.id}/${k}`,
      'aria-current': k === tab ? 'page' : null, 'data-tab': k}, t(`tab.${k}`))))));
  return h('div', {class: 'plan'},
    h('section', {class: 'head'},
      h('h1', {}, `${plan.name || t('plan.unnamed')} – ${t(`tab.${tab}`)}`),
      h('p', {class: 'lead', 'data-testid': 'plan-lead'}, leadContent(plan, m))),
    tabs, body);
}

export async function viewPlan(ctx, r) {
  if (!TABS.includes(r.tab)) { app.navigate(`#/m/${r.code}/plans/${r.id}/pathway`); return; }
  const [plan, m] = await Promise.all([loadPlan(r.code, r.id), app.cached(`/api/municipalities/${r.code}`)]);
  if (!ctx.live()) return;
  app.demo(m.synthetic);
  app.crumbs([[t('nav.home'), '#/'], [muniName(m), `#/m/${r.code}`],
    [plan.name || t('plan.unnamed'), `#/m/${r.code}/plans/${plan.id}/pathway`], [t(`tab.${r.tab}`), location.hash]]);
  const views = {target: tabTarget, measures: tabMeasures, pathway: tabPathway, classes: tabClasses,
    optimize: tabOptimize, publish: tabPublish, documents: tabDocuments, decision: tabDecision,
    comments: tabComments, audit: tabAudit};
  await views[r.tab](ctx, plan, m);
}

/* ------------------------------------------------------------ conflicts */

/** Shows a save conflict: what the user sent and what is stored now, side by side. */
function conflictBox(rows, onMine, onTheirs) {
  return h('div', {class: 'conflict', role: 'alert', 'data-testid': 'conflict'},
    h('h3', {}, t('conflict.title')),
    h('p', {}, t('conflict.text')),
    h('table', {class: 'data'}, h('thead', {}, h('tr', {},
      h('th', {scope: 'col'}, t('conflict.field')), h('th', {scope: 'col'}, t('conflict.mine')),
      h('th', {scope: 'col'}, t('conflict.theirs')))),
    h('tbody', {}, rows.map(([f, a, b]) => h('tr', {}, h('th', {scope: 'row'}, f), h('td', {}, a), h('td', {}, b))))),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'primary', onclick: onMine}, t('conflict.keepmine')),
      h('button', {type: 'button', onclick: onTheirs}, t('conflict.taketheirs'))));
}
const show = (v) => (v === undefined || v === null ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/* ------------------------------------------------------------ target */

async function tabTarget(ctx, plan, m) {
  const code = plan.municipality.code;
  const invs = await inventories(code);
  if (!ctx.live()) return;
  const writable = app.canWrite(code);
  const years = invs.total.totals.map((x) => x.year);
  const last = years[years.length - 1];
  const tg = plan.target;
  const err = {};
  const field = (id, label, input, help) => {
    err[id] = h('p', {class: 'field-error', id: `err-${id}`, role: 'alert'});
    input.setAttribute('aria-describedby', `err-${id}` + (help ? ` help-${id}` : ''));
    return h('div', {class: 'field', 'data-field': id}, h('label', {for: `tg-${id}`}, label), input,
      help ? h('p', {class: 'help', id: `help-${id}`}, help) : null, err[id]);
  };
  const f = {
    name: h('input', {id: 'tg-name', type: 'text', value: plan.name || '', 'aria-required': 'true', maxlength: 200}),
    base_year: h('select', {id: 'tg-base_year'}, years.map((y) => h('option', {value: y, selected: y === tg.base_year}, String(y)))),
    target_year: h('input', {id: 'tg-target_year', type: 'number', min: last + 1, max: 2100, value: tg.target_year}),
    reduction: h('input', {id: 'tg-reduction', type: 'text', inputmode: 'decimal', value: inputNum(tg.reduction * 100, 3)}),
    scope: h('select', {id: 'tg-scope'}, SCOPES.map((s) => h('option', {value: s, selected: s === tg.scope}, t(`scope.${s}`)))),
  };
  if (!writable) Object.values(f).forEach((x) => { x.disabled = true; });
  const read = () => ({base_year: Number(f.base_year.value), target_year: Number(f.target_year.value),
    reduction: parseNum(f.reduction.value) / 100, scope: f.scope.value});
  const compare = h('div', {});
  const refs = h('div', {});
  const chartSlot = h('div', {});
  let chart = null;
  const update = () => {
    const x = read();
    if (!Number.isFinite(x.reduction)) return;
    compare.replaceChildren(scopeTable(invs, x, last));
    refs.replaceChildren(referenceTable(invs, x));
    drawTargetChart(chartSlot, invs, x, chart, (c) => { chart = c; });
  };
  Object.values(f).forEach((x) => x.addEventListener('input', update));
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'save-status'});
  const conflictSlot = h('div', {});
  const save = async (version) => {
    Object.values(err).forEach((e) => { e.textContent = ''; });
    Object.values(f).forEach((x) => x.removeAttribute('aria-invalid'));
    conflictSlot.replaceChildren();
    if (!f.name.value.trim()) {
      err.name.textContent = t('plan.name.required');
      f.name.setAttribute('aria-invalid', 'true');
      f.name.focus();
      announce(err.name.textContent);
      return;
    }
    const target = read();
    if (!Number.isFinite(target.reduction)) {
      err.reduction.textContent = t('err.number');
      f.reduction.setAttribute('aria-invalid', 'true');
      f.reduction.focus();
      return;
    }
    try {
      const saved = await put(`/api/plans/${plan.id}`, {version, name: f.name.value, target});
      plan.version = saved.version;
      plan.target = saved.target;
      plan.name = saved.name;
      const lead = document.querySelector('[data-testid=plan-lead]');
      if (lead) lead.replaceChildren(leadContent(plan, m));
      status.textContent = t('save.saved', {version: saved.version});
      announce(status.textContent);
    } catch (e) {
      if (e.status === 409 && e.body && e.body.current) {
        const cur = e.body.current;
        conflictSlot.replaceChildren(conflictBox([
          [t('field.name'), f.name.value, cur.name],
          [t('field.base_year'), target.base_year, cur.target.base_year],
          [t('field.target_year'), target.target_year, cur.target.target_year],
          [t('field.reduction_pct'), pct(target.reduction), pct(cur.target.reduction)],
          [t('field.scope'), t(`scope.${target.scope}`), t(`scope.${cur.target.scope}`)]],
        () => save(cur.version),
        () => app.rerender()));
        return;
      }
      showFieldError(e, err, f, status);
    }
  };
  const form = h('form', {class: 'grid-form', 'data-testid': 'target-form', onsubmit: (ev) => { ev.preventDefault(); save(plan.version); }},
    field('name', t('field.name'), f.name),
    field('base_year', t('field.base_year'), f.base_year),
    field('target_year', t('field.target_year'), f.target_year),
    field('reduction', t('field.reduction_pct'), f.reduction, t('help.reduction')),
    field('scope', t('field.scope'), f.scope, t('help.scope')),
    writable ? h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', 'data-testid': 'save-target'}, t('save.target'))) : null,
    status, conflictSlot);
  ctx.show(frame(plan, m, 'target', h('div', {}, h('div', {class: 'cols target'},
    h('section', {class: 'panel'}, h('h2', {}, t('target.form')), form, writable ? copyForm(plan) : null),
    h('section', {class: 'panel'}, h('h2', {}, t('target.compare')), compare,
      h('h3', {}, t('target.refs')), refs, sourceLine(m, invs.total))),
  h('section', {class: 'panel'}, chartSlot))));
  update();
}

/** Copies the plan under a new name (POST /api/plans/{id}/copy), to compare
 * scopes or targets side by side; opens the copy's target. */
function copyForm(plan) {
  const name = h('input', {id: 'copy-name', type: 'text', 'aria-required': 'true', maxlength: 200,
    value: t('copy.default', {name: plan.name || t('plan.unnamed')}), 'aria-describedby': 'copy-err'});
  const msg = h('p', {class: 'field-error', id: 'copy-err', role: 'alert'});
  return h('details', {class: 'copy-plan no-print', 'data-testid': 'copy-plan'}, h('summary', {}, t('copy.title')),
    h('p', {class: 'help'}, t('copy.help')),
    h('form', {class: 'grid-form', onsubmit: async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      if (!name.value.trim()) { msg.textContent = t('plan.name.required'); name.focus(); return; }
      try {
        const p = await post(`/api/plans/${plan.id}/copy`, {name: name.value.trim()});
        announce(t('copy.done', {name: p.name}));
        app.navigate(`#/m/${p.municipality.code}/plans/${p.id}/target`);
      } catch (e) {
        msg.textContent = errorText(e);
      }
    }},
    h('div', {class: 'field'}, h('label', {for: 'copy-name'}, t('copy.name')), name, msg),
    h('div', {class: 'actions'}, h('button', {type: 'submit', 'data-testid': 'copy-submit'}, t('copy.submit')))));
}

/** Puts each of the API's messages at its field (or at the form's status line). */
function showFieldError(e, err, f, status) {
  announce(placeErrors(e, err, status, f));
}

function scopeTable(invs, x, last) {
  const row = (s) => {
    const base = totalIn(invs[s], x.base_year), now = totalIn(invs[s], last);
    const V = base === null ? null : (1 - x.reduction) * base;
    const need = V !== null && now ? V / now - 1 : null;
    return h('tr', {class: s === x.scope ? 'current' : null, 'data-scope': s},
      h('th', {scope: 'row'}, t(`scope.${s}`), s === x.scope ? h('span', {class: 'tag'}, t('target.chosen')) : null),
      h('td', {class: 'num'}, tonnes(base)), h('td', {class: 'num', 'data-testid': `target-value-${s}`, 'data-value': V}, tonnes(V)),
      h('td', {class: 'num'}, tonnes(now)), h('td', {class: 'num'}, pct(need, 1, true)));
  };
  return h('div', {class: 'scroll'}, h('table', {class: 'data', 'data-testid': 'target-compare'},
    h('caption', {}, t('target.compare.caption', {reduction: pct(x.reduction, 1), base: x.base_year, target: x.target_year})),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('field.scope')),
      h('th', {scope: 'col', class: 'num'}, t('target.col.base', {year: x.base_year})),
      h('th', {scope: 'col', class: 'num'}, t('target.col.value', {year: x.target_year})),
      h('th', {scope: 'col', class: 'num'}, t('target.col.now', {year: last})),
      h('th', {scope: 'col', class: 'num'}, t('target.col.need')))),
    h('tbody', {}, SCOPES.map(row))));
}

/** Reference targets: Hinku, the Climate Act and the EU, in the plan's figures. */
function references(invs, x) {
  return [
    {key: 'hinku', scope: 'hinku', base: 2007, year: 2030, reduction: 0.8},
    {key: 'eu', scope: x.scope, base: 1990, year: 2030, reduction: 0.55},
    {key: 'act2030', scope: x.scope, base: 1990, year: 2030, reduction: 0.6},
    {key: 'act2035', scope: x.scope, base: 1990, year: 2035, reduction: 1},
  ].map((r) => ({...r, value: totalIn(invs[r.scope], r.base) === null ? null
    : (1 - r.reduction) * totalIn(invs[r.scope], r.base)}));
}

/** The plan's target path at year y (the model's straight line, then flat). */
function planPath(invs, x, y) {
  const b = totalIn(invs[x.scope], x.base_year);
  if (b === null) return null;
  const V = (1 - x.reduction) * b;
  if (y >= x.target_year) return V;
  if (y <= x.base_year) return b;
  return b + (V - b) * (y - x.base_year) / (x.target_year - x.base_year);
}

function referenceTable(invs, x) {
  return h('div', {class: 'scroll'}, h('table', {class: 'data', 'data-testid': 'target-refs'},
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('target.ref')), h('th', {scope: 'col', class: 'num'}, t('target.ref.value')),
      h('th', {scope: 'col', class: 'num'}, t('target.ref.plan')), h('th', {scope: 'col'}, t('target.ref.verdict')))),
    h('tbody', {}, references(invs, x).map((r) => {
      const p = r.scope === x.scope ? planPath(invs, x, r.year) : null;
      const verdict = p === null || r.value === null ? t('target.ref.otherscope')
        : p <= r.value + 1e-6 ? t('target.ref.meets') : t('target.ref.short', {t: tonnes(p - r.value)});
      return h('tr', {}, h('th', {scope: 'row'}, t(`ref.${r.key}`), h('br'), h('span', {class: 'muted small'}, t(`scope.${r.scope}`))),
        h('td', {class: 'num'}, tonnes(r.value)), h('td', {class: 'num'}, tonnes(p)), h('td', {}, verdict));
    }))));
}

function drawTargetChart(slot, invs, x, old, keep) {
  const inv = invs[x.scope];
  const years = inv.totals.map((r) => r.year);
  const b = totalIn(inv, x.base_year);
  const refs = references(invs, x).filter((r) => r.scope === x.scope && r.value !== null);
  const hinku = references(invs, x).find((r) => r.key === 'hinku');
  const head = [t('col.year'), t('target.history'), t('target.path')];
  const ys = [...new Set([...years, x.target_year])].sort((a, c) => a - c);
  const rows = ys.map((y) => [String(y), num(totalIn(inv, y)), y >= x.base_year ? num(planPath(invs, x, y)) : '']);
  const datasets = [
    {label: t('target.history'), data: inv.totals.map((r) => ({x: r.year, y: r.t})), borderColor: LINE.history,
      borderWidth: 2.5, pointRadius: 0},
    {label: t('target.path'), data: b === null ? [] : [{x: x.base_year, y: b}, {x: x.target_year, y: (1 - x.reduction) * b}],
      borderColor: LINE.target, borderDash: [8, 5], borderWidth: 2, pointRadius: 3},
    ...refs.map((r, i) => ({label: t(`ref.${r.key}`), data: [{x: r.year, y: r.value}], type: 'scatter',
      pointStyle: ['triangle', 'rectRot', 'star'][i % 3], pointRadius: 8, borderColor: '#333',
      backgroundColor: ['#0072B2', '#E69F00', '#009E73'][i % 3]})),
  ];
  if (x.scope !== 'hinku' && hinku.value !== null) {
    datasets.push({label: `${t('ref.hinku')} (${t('scope.hinku')})`, data: [{x: 2030, y: hinku.value}], type: 'scatter',
      pointStyle: 'crossRot', pointRadius: 9, borderWidth: 2, borderColor: '#7A3E9D'});
  }
  if (old) {
    old.data.datasets = datasets;
    old.options.scales.x.max = Math.max(x.target_year, 2035) + 1;
    old.update('none');
    const tb = slot.querySelector('table tbody');
    if (tb) tb.replaceChildren(...rows.map((r) => h('tr', {}, r.map((c, i) => i ? h('td', {class: 'num'}, c) : h('th', {scope: 'row'}, c)))));
    return;
  }
  const block = chartBlock({id: 'target', title: t('target.chart', {scope: t(`scope.${x.scope}`)}),
    caption: t('target.chart.caption'), table: {head, rows}, file: 'target'});
  slot.replaceChildren(block.el);
  if (!chartAvailable()) return;
  keep(makeChart(block.canvas, {type: 'line', data: {datasets},
    options: {scales: {x: {type: 'linear', min: years[0], max: Math.max(x.target_year, 2035) + 1,
      ticks: {stepSize: 5, callback: (v) => String(v)}},
    y: {beginAtZero: true, ticks: numTicks(), title: {display: true, text: t('unit.t')}}},
    plugins: {legend: {position: 'bottom', labels: {usePointStyle: true}}, tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${tonnes(c.parsed.y)}`,
      title: (items) => String(items[0].parsed.x)}}}}}));
}

/* ------------------------------------------------------------ measures */

const CONTROLS = ['own', 'steer', 'influence', 'none'];
const STATUSES = ['idea', 'planned', 'ongoing', 'done', 'cancelled'];

function effectText(ms) {
  if (ms.share !== undefined && ms.share !== null) {
    const r = ms.share_range ? ` (${share(ms.share_range[0])}–${share(ms.share_range[2])})` : '';
    return share(ms.share) + r;
  }
  const r = ms.absolute_range ? ` (${num(ms.absolute_range[0])}–${num(ms.absolute_range[2])})` : '';
  return `${num(ms.absolute_t)} t/a${r}`;
}

/** The gap line shown above the measures: the gap now, and how the last save changed it. */
function gapLine(res, before) {
  const delta = before === null || before === undefined ? null : res.gap - before;
  return h('p', {class: 'gapline', 'data-testid': 'gapline', 'data-gap': res.gap, 'data-delta': delta === null ? '' : delta},
    h('strong', {}, t('gap.label', {year: res.target_year}) + ': '),
    h('span', {'data-testid': 'gap-now'}, res.gap > 0 ? tonnes(res.gap) : t('gap.met', {t: tonnes(-res.gap)})),
    delta !== null ? h('span', {class: 'delta'}, ' ', t('gap.change', {t: (delta > 0 ? '+' : '') + tonnes(delta)})) : null);
}

async function tabMeasures(ctx, plan, m) {
  const code = plan.municipality.code;
  const writable = app.canWrite(code);
  let res = await get(pathwayUrl(plan));
  if (!ctx.live()) return;
  const gapSlot = h('div', {}, gapLine(res, null));
  const tableSlot = h('div', {class: 'scroll'});
  const editorSlot = h('div', {});
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'save-status'});
  const afterSave = async (newPlan, message) => {
    Object.assign(plan, newPlan);
    const before = res.gap;
    res = await get(pathwayUrl(plan));
    gapSlot.replaceChildren(gapLine(res, before));
    drawTable();
    editorSlot.replaceChildren();
    status.textContent = message;
    announce(message + ' ' + gapSlot.textContent);
  };
  const drawTable = () => {
    const byId = new Map(res.measures.map((x) => [x.id, x]));
    tableSlot.replaceChildren(h('table', {class: 'data measures', 'data-testid': 'measures-table'},
      h('caption', {class: 'sr-only'}, t('measures.caption')),
      h('thead', {}, h('tr', {}, [t('field.name'), t('field.sector'), t('field.years'), t('field.effect'),
        t('col.attributed'), t('field.capex'), t('field.opex'), t('field.lifetime'), t('field.control'),
        t('field.responsible'), t('field.status'), ''].map((c, i) => h('th', {scope: 'col', class: [4, 5, 6, 7].includes(i) ? 'num' : null}, c)))),
      h('tbody', {}, plan.measures.map((ms) => {
        const r = byId.get(ms.id);
        const st = measureStanding(ms, res);
        // Tonnes only where they count: an ETS measure in a non-ETS plan
        // has an effect of its own, but not on the target's emissions.
        return h('tr', {'data-measure': ms.id, 'data-scope': st.counted ? 'in' : 'out', class: st.counted || st.cancelled ? null : 'out'},
          h('th', {scope: 'row'}, measureName(ms), ms.optional ? h('span', {class: 'tag'}, t('field.optional')) : null,
            st.counted || st.cancelled ? null : h('br'), st.counted || st.cancelled ? null : outMark(st)),
          h('td', {}, sectorName(ms.sector, ms.ets)),
          h('td', {}, `${ms.start}–${ms.full}`),
          h('td', {}, effectText(ms)),
          h('td', {class: 'num', 'data-value': r && st.counted ? r.attributed : ''}, r && st.counted ? tonnes(r.attributed) : '–'),
          h('td', {class: 'num'}, eur(ms.capex)), h('td', {class: 'num'}, eur(ms.opex)),
          h('td', {class: 'num'}, ms.lifetime ? num(ms.lifetime) : '–'),
          h('td', {}, t(`control.${ms.control || 'own'}`)), h('td', {}, ms.responsible || '–'),
          h('td', {}, t(`status.${ms.status || 'planned'}`)),
          h('td', {class: 'no-print'}, writable ? h('button', {type: 'button', class: 'small',
            'aria-label': t('measures.edit.label', {name: measureName(ms)}),
            onclick: () => openEditor(ms)}, t('measures.edit')) : null));
      }))));
  };
  const openEditor = (ms) => {
    editorSlot.replaceChildren(measureForm(plan, ms, {
      saved: (p, msg) => afterSave(p, msg),
      cancel: () => editorSlot.replaceChildren(),
      status,
      standing: ms ? measureStanding(ms, res) : null,
    }));
    editorSlot.querySelector('input,select')?.focus();
  };
  drawTable();
  ctx.show(frame(plan, m, 'measures', h('section', {class: 'panel'},
    h('h2', {}, t('measures.title')), gapSlot, status,
    writable ? h('div', {class: 'actions no-print'}, h('button', {type: 'button', class: 'primary', 'data-testid': 'add-measure',
      onclick: () => openEditor(null)}, t('measures.add'))) : null,
    editorSlot, tableSlot)));
}

/** The form of one measure (ms null: a new one). Errors stand at their field. */
function measureForm(plan, ms, cb) {
  const isNew = !ms;
  const o = ms || {control: 'own', status: 'planned', ets: false, share: null};
  const kind0 = o.absolute_t !== undefined && o.absolute_t !== null ? 'absolute' : 'share';
  const scale = (k) => (k === 'share' ? 100 : 1);
  const range0 = kind0 === 'share' ? o.share_range : o.absolute_range;
  const val0 = kind0 === 'share' ? o.share : o.absolute_t;
  const f = {
    id: h('input', {id: 'm-id', type: 'text', value: o.id || '', disabled: !isNew, required: true,
      pattern: '[A-Za-z0-9_.\\-]+'}),
    name: h('input', {id: 'm-name', type: 'text', value: o.name || ''}),
    sector: h('select', {id: 'm-sector'}, sectorList().map((s) => h('option', {value: s.key, selected: s.key === o.sector}, sectorName(s.key)))),
    ets: h('input', {id: 'm-ets', type: 'checkbox', checked: !!o.ets}),
    start: h('input', {id: 'm-start', type: 'number', min: 1990, max: 2100, value: o.start || new Date().getFullYear() + 1}),
    full: h('input', {id: 'm-full', type: 'number', min: 1990, max: 2100, value: o.full || new Date().getFullYear() + 3}),
    kind: h('select', {id: 'm-kind'}, h('option', {value: 'share', selected: kind0 === 'share'}, t('measure.kind.share')),
      h('option', {value: 'absolute', selected: kind0 === 'absolute'}, t('measure.kind.absolute'))),
    value: h('input', {id: 'm-value', type: 'text', inputmode: 'decimal', value: val0 === null || val0 === undefined ? '' : inputNum(val0 * scale(kind0))}),
    range_lo: h('input', {id: 'm-range_lo', type: 'text', inputmode: 'decimal', value: range0 ? inputNum(range0[0] * scale(kind0)) : ''}),
    range_hi: h('input', {id: 'm-range_hi', type: 'text', inputmode: 'decimal', value: range0 ? inputNum(range0[2] * scale(kind0)) : ''}),
    capex: h('input', {id: 'm-capex', type: 'text', inputmode: 'decimal', value: inputNum(o.capex)}),
    opex: h('input', {id: 'm-opex', type: 'text', inputmode: 'decimal', value: inputNum(o.opex)}),
    lifetime: h('input', {id: 'm-lifetime', type: 'text', inputmode: 'numeric', value: inputNum(o.lifetime)}),
    control: h('select', {id: 'm-control'}, CONTROLS.map((c) => h('option', {value: c, selected: c === (o.control || 'own')}, t(`control.${c}`)))),
    optional: h('input', {id: 'm-optional', type: 'checkbox', checked: !!o.optional}),
    responsible: h('input', {id: 'm-responsible', type: 'text', value: o.responsible || ''}),
    status: h('select', {id: 'm-status'}, STATUSES.map((c) => h('option', {value: c, selected: c === (o.status || 'planned')}, t(`status.${c}`)))),
    notes: h('textarea', {id: 'm-notes', rows: 2}, o.notes || ''),
  };
  const unit = h('span', {class: 'unit', id: 'm-unit'});
  const setUnit = () => { unit.textContent = f.kind.value === 'share' ? '%' : 't/a'; };
  f.kind.addEventListener('change', setUnit);
  setUnit();
  const err = {};
  const fld = (id, label, extra, help) => {
    err[id] = h('p', {class: 'field-error', id: `merr-${id}`, role: 'alert'});
    const input = f[id] || f[id + '_lo'];
    input.setAttribute('aria-describedby', `merr-${id}` + (help ? ` mhelp-${id}` : ''));
    const check = input.type === 'checkbox';
    return h('div', {class: 'field' + (check ? ' check' : ''), 'data-field': id},
      check ? [input, h('label', {for: input.id}, label)] : [h('label', {for: input.id}, label), input],
      extra || null, help ? h('p', {class: 'help', id: `mhelp-${id}`}, help) : null, err[id]);
  };
  err.range = null;
  const rangeField = (() => {
    err.range = h('p', {class: 'field-error', id: 'merr-range', role: 'alert'});
    f.range_lo.setAttribute('aria-describedby', 'merr-range');
    f.range_hi.setAttribute('aria-describedby', 'merr-range');
    return h('fieldset', {class: 'field range', 'data-field': 'range'}, h('legend', {}, t('measure.range')),
      h('label', {for: 'm-range_lo'}, t('measure.range.lo')), f.range_lo,
      h('label', {for: 'm-range_hi'}, t('measure.range.hi')), f.range_hi, err.range);
  })();
  const formStatus = h('p', {class: 'form-error', role: 'alert', 'data-testid': 'measure-form-status'});
  const conflictSlot = h('div', {});

  /** The measure as the form says, in the plan document's keys; null on a typing error. */
  const read = () => {
    let ok = true;
    const n = (id, required) => {
      const v = parseNum(f[id].value);
      if (Number.isNaN(v) || (required && v === null)) {
        const slot = id.startsWith('range') ? 'range' : id;
        err[slot].textContent = t(v === null ? 'err.required' : 'err.number');
        f[id].setAttribute('aria-invalid', 'true');
        ok = false;
      }
      return v;
    };
    const kind = f.kind.value, k = scale(kind);
    const body = {
      id: f.id.value.trim(), name: f.name.value.trim() || null, sector: f.sector.value, ets: f.ets.checked,
      start: Number(f.start.value), full: Number(f.full.value),
      capex: n('capex'), opex: n('opex'), lifetime: n('lifetime'), control: f.control.value,
      optional: f.optional.checked, responsible: f.responsible.value.trim() || null,
      status: f.status.value, notes: f.notes.value.trim() || null,
    };
    const v = n('value', true), lo = n('range_lo'), hi = n('range_hi');
    const key = kind === 'share' ? 'share' : 'absolute_t';
    const rkey = kind === 'share' ? 'share_range' : 'absolute_range';
    body[key] = v === null ? null : v / k;
    body[rkey] = lo === null && hi === null ? null : [(lo ?? v) / k, v / k, (hi ?? v) / k];
    if (kind === 'share') { body.absolute_t = null; body.absolute_range = null; } else { body.share = null; body.share_range = null; }
    return ok ? body : null;
  };

  const send = async (body, baseVersion) => {
    try {
      if (isNew) {
        const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
        const p = await post(`/api/plans/${plan.id}/measures`, clean);
        await cb.saved(p, t('measures.added', {name: measureName(body)}));
        return;
      }
      // Only what changed: a colleague's edit of other fields stays.
      const changed = {};
      for (const [k, v] of Object.entries(body)) {
        if (k === 'id') continue;
        const was = o[k] === undefined ? null : o[k];
        if (JSON.stringify(was) !== JSON.stringify(v)) changed[k] = v;
      }
      if (!Object.keys(changed).length) { cb.cancel(); return; }
      // The measure route takes no version: compare with the stored plan first.
      const fresh = await get(`/api/plans/${plan.id}`);
      if (fresh.version !== baseVersion) {
        const cur = fresh.measures.find((x) => x.measure_id === o.measure_id);
        const clash = !cur ? Object.keys(changed)
          : Object.keys(changed).filter((k) => JSON.stringify(cur[k] ?? null) !== JSON.stringify(o[k] ?? null));
        if (clash.length) {
          conflictSlot.replaceChildren(conflictBox(clash.map((k) => [t(`field.${k}`), show(changed[k]), cur ? show(cur[k]) : t('conflict.deleted')]),
            () => { conflictSlot.replaceChildren(); if (cur) send(body, fresh.version); },
            () => cb.saved(fresh, t('conflict.reloaded'))));
          return;
        }
      }
      const p = await put(`/api/measures/${o.measure_id}`, changed);
      await cb.saved(p, t('measures.saved', {name: measureName(body)}));
    } catch (e) {
      if (e.status === 409 && e.body && e.body.current) {
        const cur = e.body.current.measures.find((x) => x.measure_id === o.measure_id) || {};
        conflictSlot.replaceChildren(conflictBox(Object.keys(body).filter((k) => k !== 'id').map((k) => [t(`field.${k}`), show(body[k]), show(cur[k])]),
          () => send(body, e.body.current.version), () => cb.saved(e.body.current, t('conflict.reloaded'))));
        return;
      }
      showFieldError(e, err, f, formStatus);
    }
  };

  const form = h('form', {class: 'panel editor grid-form', 'data-testid': 'measure-form', 'aria-labelledby': 'm-title',
    onsubmit: (ev) => {
      ev.preventDefault();
      Object.values(err).forEach((e) => { if (e) e.textContent = ''; });
      Object.values(f).forEach((x) => x.removeAttribute('aria-invalid'));
      formStatus.textContent = '';
      conflictSlot.replaceChildren();
      const body = read();
      if (!body) { form.querySelector('[aria-invalid="true"]')?.focus(); return; }
      send(body, plan.version);
    }},
  h('h3', {id: 'm-title', class: 'span-all'}, isNew ? t('measures.new') : t('measures.editing', {name: measureName(o)})),
  // Why it does not count now: the sector, ETS or status fields repair it.
  cb.standing && !cb.standing.counted && !cb.standing.cancelled ? h('p', {class: 'span-all'}, outMark(cb.standing)) : null,
  fld('id', t('field.id'), null, isNew ? t('help.id') : null), fld('name', t('field.name')),
  fld('sector', t('field.sector')), fld('ets', t('field.ets')),
  fld('start', t('field.start')), fld('full', t('field.full')),
  fld('kind', t('field.kind')), fld('value', t('field.value'), unit),
  rangeField,
  fld('capex', t('field.capex_eur')), fld('opex', t('field.opex_eur'), null, t('help.opex')), fld('lifetime', t('field.lifetime_y')),
  fld('control', t('field.control')), fld('optional', t('field.optional')),
  fld('responsible', t('field.responsible')), fld('status', t('field.status')),
  fld('notes', t('field.notes')),
  h('div', {class: 'actions span-all'},
    h('button', {type: 'submit', class: 'primary', 'data-testid': 'save-measure'}, t('save.measure')),
    h('button', {type: 'button', onclick: cb.cancel}, t('cancel')),
    !isNew ? h('button', {type: 'button', class: 'danger', onclick: async () => {
      if (!window.confirm(t('measures.delete.confirm', {name: measureName(o)}))) return;
      try {
        await del(`/api/measures/${o.measure_id}`);
        const p = await get(`/api/plans/${plan.id}`);
        await cb.saved(p, t('measures.deleted', {name: measureName(o)}));
      } catch (e) { showFieldError(e, err, f, formStatus); }
    }}, t('measures.delete')) : null),
  formStatus, conflictSlot);
  return form;
}

/* ------------------------------------------------------------ pathway */

function ramp(ms, y) {
  if (y < ms.start) return 0;
  if (y <= ms.full) return (y - ms.start + 1) / (ms.full - ms.start + 1);
  return 1;
}

/** Key figures beside the pathway chart. */
function keyFigures(res) {
  const T = res.target_year;
  const i = res.years.indexOf(T);
  const mc = res.monte_carlo;
  const fig = (id, label, value, raw, note) => h('div', {class: 'kf', 'data-testid': `kf-${id}`},
    h('dt', {}, label), h('dd', {'data-value': raw}, value, note ? h('span', {class: 'muted small'}, ' ', note) : null));
  return h('dl', {class: 'keyfigs'},
    fig('target', t('kf.target', {year: T}), tonnes(res.target_value), res.target_value),
    fig('scenario', t('kf.scenario', {year: T}), tonnes(res.scenario[i]), res.scenario[i]),
    fig('gap', t('kf.gap', {year: T}), res.gap > 0 ? tonnes(res.gap) : t('gap.met', {t: tonnes(-res.gap)}), res.gap),
    fig('overshoot', t('kf.overshoot'), tonnes(res.overshoot), res.overshoot, t('kf.overshoot.note', {from: res.last_year + 1, to: T})),
    mc ? fig('pmeet', t('kf.pmeet'), share(mc.p_meet), mc.p_meet, t('kf.draws', {n: num(mc.draws)})) : null,
    res.easy_share !== null && res.easy_share !== undefined ? fig('easy', t('kf.easy'), share(res.easy_share), res.easy_share) : null);
}

function headline(plan, res) {
  const T = res.target_year;
  const parts = [targetSentence(plan) + '.'];
  if (res.monte_carlo) parts.push(t('headline.pmeet', {p: share(res.monte_carlo.p_meet)}));
  parts.push(res.gap > 0 ? t('headline.gap', {year: T, t: tonnes(res.gap)}) : t('headline.met', {year: T}));
  if (res.easy_share !== null && res.easy_share !== undefined) parts.push(t('headline.easy', {p: share(res.easy_share)}));
  return h('p', {class: 'headline', 'data-testid': 'headline'}, parts.join(' '));
}

function pathwayData(res) {
  const L = res.last_year, ys = res.years, iL = ys.indexOf(L);
  const pts = (arr, from = 0, to = ys.length) => ys.slice(from, to).map((y, j) => ({x: y, y: arr[from + j]}));
  const mc = res.monte_carlo;
  const start = {x: L, y: res.scenario[iL]};
  return [
    {label: 'p5', data: mc ? [start, ...mc.years.map((y, i) => ({x: y, y: mc.p5[i]}))] : [], borderWidth: 0,
      pointRadius: 0, fill: false, backgroundColor: LINE.band},
    {label: t('path.band'), data: mc ? [start, ...mc.years.map((y, i) => ({x: y, y: mc.p95[i]}))] : [], borderWidth: 0,
      pointRadius: 0, fill: '-1', backgroundColor: LINE.band, borderColor: LINE.band},
    {label: t('path.history'), data: pts(res.scenario, 0, iL + 1), borderColor: LINE.history, borderWidth: 3, pointRadius: 0},
    {label: t('path.baseline'), data: pts(res.baseline, iL), borderColor: LINE.baseline, borderDash: [2, 3], borderWidth: 2, pointRadius: 0},
    {label: t('path.scenario'), data: pts(res.scenario, iL), borderColor: LINE.scenario, borderWidth: 3, pointRadius: 0},
    {label: t('path.target'), data: pts(res.target_path), borderColor: LINE.target, borderDash: [8, 5], borderWidth: 2, pointRadius: 0},
  ];
}

function pathwayTable(res) {
  const mc = res.monte_carlo;
  const head = [t('col.year'), t('path.history') + ' / ' + t('path.scenario'), t('path.baseline'), t('path.target'), 'P5', 'P50', 'P95'];
  const raw = res.years.map((y, i) => {
    const j = mc ? mc.years.indexOf(y) : -1;
    return [y, res.scenario[i], res.baseline[i], res.target_path[i], j >= 0 ? mc.p5[j] : '', j >= 0 ? mc.p50[j] : '', j >= 0 ? mc.p95[j] : ''];
  });
  const rows = raw.map((r) => [String(r[0]), ...r.slice(1).map((v) => (v === '' ? '' : num(v)))]);
  return {head, rows, raw};
}

/** The pathway chart; returns {el, update(res)}. */
export function pathwayChart(res) {
  const block = chartBlock({id: 'pathway', title: t('path.chart', {scope: t(`scope.${res.scope}`)}),
    caption: t('path.chart.caption'), table: pathwayTable(res), file: 'pathway', tall: true});
  let chart = null;
  if (chartAvailable()) {
    chart = makeChart(block.canvas, {type: 'line', data: {datasets: pathwayData(res)},
      options: {interaction: {mode: 'nearest', axis: 'x', intersect: false},
        scales: {x: {type: 'linear', min: res.years[0], max: res.years[res.years.length - 1], ticks: {stepSize: 2, callback: (v) => String(v)}},
          y: {beginAtZero: true, ticks: numTicks(), title: {display: true, text: t('unit.t')}}},
        plugins: {legend: {position: 'bottom', labels: {filter: (item) => item.text !== 'p5'}},
          tooltip: {filter: (item) => item.dataset.label !== 'p5',
            callbacks: {label: (c) => `${c.dataset.label}: ${tonnes(c.parsed.y)}`, title: (items) => String(items[0].parsed.x)}}}}});
  }
  const update = (r) => {
    const tbl = pathwayTable(r);
    const tb = block.el.querySelector('tbody');
    tb.replaceChildren(...tbl.rows.map((row) => h('tr', {}, row.map((c, i) => i ? h('td', {class: 'num'}, c) : h('th', {scope: 'row'}, c)))));
    if (!chart) return;
    const ds = pathwayData(r);
    chart.data.datasets.forEach((d, i) => { d.data = ds[i].data; });
    chart.update('none');
  };
  return {el: block.el, update};
}

/** Wedges: each measure's share of the year's reduction (baseline - scenario). */
function wedgeSeries(plan, res) {
  const L = res.last_year, T = res.target_year;
  const ys = res.years.filter((y) => y >= L);
  const attributed = new Map(res.measures.filter((x) => x.in_scope !== false).map((x) => [x.id, x.attributed]));
  const active = plan.measures.filter((ms) => attributed.has(ms.id) && attributed.get(ms.id) > 0);
  const eff = (ms, y) => Math.max(0, ramp(ms, y) - ramp(ms, L));
  const weights = ys.map((y) => active.map((ms) => {
    const eT = eff(ms, T);
    return eT > 0 ? attributed.get(ms.id) * eff(ms, y) / eT : 0;
  }));
  const series = active.map((ms, k) => ys.map((y, j) => {
    const i = res.years.indexOf(y);
    const cut = Math.max(0, res.baseline[i] - res.scenario[i]);
    const sum = weights[j].reduce((a, b) => a + b, 0);
    return sum > 0 ? cut * weights[j][k] / sum : 0;
  }));
  return {ys, active, series};
}

export function wedgeChart(plan, res) {
  const {ys, active, series} = wedgeSeries(plan, res);
  const head = [t('col.year'), t('path.scenario'), ...active.map(measureName), t('path.baseline')];
  const raw = ys.map((y, j) => {
    const i = res.years.indexOf(y);
    return [y, res.scenario[i], ...series.map((s) => s[j]), res.baseline[i]];
  });
  const rows = raw.map((r) => [String(r[0]), ...r.slice(1).map((v) => num(v))]);
  const block = chartBlock({id: 'wedges', title: t('wedge.chart'), caption: t('wedge.caption'),
    table: {head, rows, raw}, file: 'wedges', tall: true});
  const low = Math.min(...ys.map((y) => res.scenario[res.years.indexOf(y)]));
  if (chartAvailable() && ys.length > 1) {
    const seen = new Map();
    const color = (ms) => {
      const n = seen.get(ms.sector) || 0;
      seen.set(ms.sector, n + 1);
      const base = sectorColor(ms.sector);
      return n === 0 ? base : mix(base, n);
    };
    makeChart(block.canvas, {type: 'line', data: {datasets: [
      {label: t('path.scenario'), data: ys.map((y) => ({x: y, y: res.scenario[res.years.indexOf(y)]})),
        backgroundColor: 'rgba(120,120,120,0.18)', borderColor: LINE.scenario, borderWidth: 2, fill: 'origin', pointRadius: 0, stack: 'w'},
      ...active.map((ms, k) => {
        const c = color(ms);
        return {label: measureName(ms), data: ys.map((y, j) => ({x: y, y: series[k][j]})), stack: 'w',
          backgroundColor: ms.ets ? hatch(c) : c + 'D9', borderColor: c, borderWidth: 1, fill: '-1', pointRadius: 0};
      })]},
    options: {interaction: {mode: 'index', intersect: false},
      scales: {x: {type: 'linear', min: ys[0], max: ys[ys.length - 1], ticks: {stepSize: 1, callback: (v) => String(v)}},
        y: {stacked: true, min: Math.max(0, Math.floor(low * 0.8 / 10000) * 10000), ticks: numTicks(), title: {display: true, text: t('unit.t')}}},
      plugins: {legend: {position: 'bottom', labels: {boxWidth: 14}},
        tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${tonnes(c.parsed.y)}`, title: (items) => String(items[0].parsed.x)}}}}});
  }
  return block.el;
}

/** A lighter or darker variant of a colour, for a second measure of one sector. */
function mix(hex, n) {
  const v = parseInt(hex.slice(1), 16);
  const f = n % 2 ? 0.45 : -0.3;
  const ch = (s) => {
    const c = (v >> s) & 255;
    return Math.round(f > 0 ? c + (255 - c) * f : c * (1 + f));
  };
  return '#' + [16, 8, 0].map((s) => ch(s).toString(16).padStart(2, '0')).join('');
}

async function tabPathway(ctx, plan, m) {
  let res = await get(pathwayUrl(plan));
  if (!ctx.live()) return;
  const writable = app.canWrite(plan.municipality.code);
  const chart = pathwayChart(res);
  const figs = h('div', {}, keyFigures(res));
  const head = h('div', {}, headline(plan, res), scopeNote(plan, res, writable));
  const wedges = h('div', {}, wedgeChart(plan, res));
  const timing = h('p', {class: 'muted small', role: 'status', 'data-testid': 'update-timing'});
  // The try-it panel is a sandbox: it computes with the tried values and
  // saves nothing until "save as the plan" (issue 13, section 4).
  const show = (r) => {
    res = r;
    chart.update(res);
    figs.replaceChildren(keyFigures(res));
    head.replaceChildren(headline(plan, res), scopeNote(plan, res, writable) || '');
    wedges.replaceChildren(wedgeChart(plan, res));
  };
  const savedNote = h('p', {class: 'status', role: 'status', 'data-testid': 'save-status-trial'});
  const tried = async (overrides) => {
    savedNote.textContent = '';
    const r = Object.keys(overrides).length
      ? await post(`/api/plans/${plan.id}/pathway/trial` + runQuery(plan),
        {measures: overrides})
      : await get(pathwayUrl(plan));
    show(r);
    performance.mark('ilmava-chart-updated');
    const ms = performance.measure('ilmava-edit-to-chart', 'ilmava-edit-start', 'ilmava-chart-updated');
    window.__ilmavaLastUpdateMs = ms.duration;
    timing.textContent = t('quick.updated', {ms: num(ms.duration, 0)});
    announce(t('kf.gap', {year: res.target_year}) + ': ' + tonnes(res.gap));
  };
  const quickSlot = h('div', {});
  const saved = async (newPlan) => {
    Object.assign(plan, newPlan);
    show(await get(pathwayUrl(plan)));
    quickSlot.replaceChildren(quickEdit(plan, res, tried, saved));
    savedNote.textContent = t('save.saved', {version: plan.version});
  };
  if (writable) quickSlot.append(quickEdit(plan, res, tried, saved));
  const quick = writable ? h('div', {}, quickSlot, savedNote) : null;
  ctx.show(frame(plan, m, 'pathway', h('div', {},
    head,
    h('div', {class: 'cols wide-left'}, h('section', {class: 'panel'}, chart.el),
      h('section', {class: 'panel'}, h('h2', {}, t('kf.title')), figs, quick, timing)),
    h('section', {class: 'panel'}, wedges))));
}

/**
 * The try-it panel: the measures' effects, editable in place for what-if.
 * A trial: `tried(overrides)` computes the pathway with the tried values
 * and saves nothing; "save as the plan" writes them with one PUT of the
 * plan at its version and calls `saved(plan)`; "reset" drops them.
 */
function quickEdit(plan, res, tried, saved) {
  const list = h('div', {class: 'quick', 'data-testid': 'quick-edit'});
  const status = h('p', {class: 'field-error', role: 'alert'});
  const overrides = {};
  const inputs = [];
  const note = h('p', {class: 'trial-note', role: 'status', 'data-testid': 'trial-note', hidden: true}, t('quick.trial'));
  const conflictSlot = h('div', {});
  const saveBtn = h('button', {type: 'button', class: 'primary', 'data-testid': 'trial-save', disabled: true}, t('quick.save'));
  const resetBtn = h('button', {type: 'button', 'data-testid': 'trial-reset', disabled: true}, t('quick.reset'));
  const mark = () => {
    const on = Object.keys(overrides).length > 0;
    note.hidden = !on;
    saveBtn.disabled = !on;
    resetBtn.disabled = !on;
    list.classList.toggle('trial', on);
  };
  const run = async () => {
    performance.clearMarks(); performance.clearMeasures();
    performance.mark('ilmava-edit-start');
    await tried({...overrides});
  };
  // Only what counts toward the target: changing a measure outside the
  // target's scope would move nothing here (the measures tab edits it).
  const skipped = [];
  for (const ms of plan.measures) {
    const st = measureStanding(ms, res);
    if (!st.counted) {
      if (!st.cancelled) skipped.push(`${measureName(ms)} (${st.reason})`);
      continue;
    }
    const isShare = ms.share !== undefined && ms.share !== null;
    const id = `q-${ms.measure_id}`;
    const stored = inputNum(isShare ? ms.share * 100 : ms.absolute_t);
    const input = h('input', {id, type: 'text', inputmode: 'decimal', size: 7, value: stored, 'data-measure': ms.id});
    inputs.push([input, stored]);
    input.addEventListener('change', async () => {
      status.textContent = '';
      const v = parseNum(input.value);
      if (v === null || Number.isNaN(v)) { status.textContent = t('err.number'); input.setAttribute('aria-invalid', 'true'); return; }
      input.removeAttribute('aria-invalid');
      const x = isShare ? v / 100 : v;
      const range = isShare ? ms.share_range : ms.absolute_range;
      const body = isShare ? {share: x} : {absolute_t: x};
      if (range) body[isShare ? 'share_range' : 'absolute_range'] = [Math.min(range[0], x), x, Math.max(range[2], x)];
      if (x === (isShare ? ms.share : ms.absolute_t)) delete overrides[ms.id];
      else overrides[ms.id] = body;
      mark();
      try {
        await run();
      } catch (e) {
        delete overrides[ms.id];
        mark();
        status.textContent = errorText(e);
        input.setAttribute('aria-invalid', 'true');
      }
    });
    list.append(h('div', {class: 'qrow'}, h('label', {for: id}, measureName(ms)), input,
      h('span', {class: 'unit'}, isShare ? '%' : 't/a')));
  }
  resetBtn.addEventListener('click', async () => {
    for (const k of Object.keys(overrides)) delete overrides[k];
    inputs.forEach(([el, v]) => { el.value = v; el.removeAttribute('aria-invalid'); });
    status.textContent = '';
    conflictSlot.replaceChildren();
    mark();
    try { await run(); } catch (e) { status.textContent = e.fault ? t(e.fault) : t('err.failed'); }
  });
  const save = async (version, measures) => {
    conflictSlot.replaceChildren();
    status.textContent = '';
    const merged = measures.map((x) => (overrides[x.id] ? {...x, ...overrides[x.id]} : x));
    try {
      const p = await put(`/api/plans/${plan.id}`, {version, measures: merged});
      for (const k of Object.keys(overrides)) delete overrides[k];
      mark();
      await saved(p);
    } catch (e) {
      if (e.status === 409 && e.body && e.body.current) {
        const cur = e.body.current;
        const byId = new Map(cur.measures.map((x) => [x.id, x]));
        const show = (x) => (x === undefined || x === null ? '–' : String(x));
        conflictSlot.replaceChildren(conflictBox(Object.entries(overrides).flatMap(([mid, b]) => Object.keys(b).map((k) =>
          [`${mid}: ${t(`field.${k}`)}`, show(b[k]), show(byId.get(mid)?.[k])])),
        () => save(cur.version, cur.measures), () => app.rerender()));
        return;
      }
      status.textContent = errorText(e);
    }
  };
  saveBtn.addEventListener('click', () => save(plan.version, plan.measures));
  return h('details', {class: 'quick-wrap no-print', open: true}, h('summary', {}, t('quick.title')),
    h('p', {class: 'help'}, t('quick.help')), note, list,
    h('div', {class: 'actions'}, saveBtn, ' ', resetBtn),
    skipped.length ? h('p', {class: 'help', 'data-testid': 'quick-skipped'}, t('quick.skipped', {list: skipped.join('; ')})) : null,
    status, conflictSlot);
}

/* ------------------------------------------------------------ easy and hard */

function reasonFor(ms, r, settings, T) {
  const easyMax = settings.easy_max_eur_per_t ?? 50, hardMin = settings.hard_min_eur_per_t ?? 150;
  const why = [];
  if (r.class === 'hard') {
    if (r.cost_per_t === null) why.push(t('why.noeffect'));
    else if (r.cost_per_t > hardMin) why.push(t('why.costly', {c: num(r.cost_per_t, 0), max: num(hardMin)}));
    if ((ms.control || 'own') === 'none') why.push(t('why.nocontrol'));
    if (ms.full > T) why.push(t('why.late', {year: ms.full, target: T}));
  } else if (r.class === 'easy') {
    why.push(t('why.easy', {c: num(r.cost_per_t, 0), max: num(easyMax), control: t(`control.${ms.control || 'own'}`)}));
  } else {
    if (r.cost_per_t !== null && r.cost_per_t > easyMax) why.push(t('why.midcost', {c: num(r.cost_per_t, 0), min: num(easyMax), max: num(hardMin)}));
    if (!['own', 'steer'].includes(ms.control || 'own')) why.push(t('why.influence'));
  }
  return why.join(' ');
}

export function classesView(plan, res, editable = false) {
  const T = res.target_year;
  const byId = new Map(plan.measures.map((x) => [x.id, x]));
  const items = res.measures.map((r) => ({...r, ms: byId.get(r.id) || {id: r.id}}));
  const iT = res.years.indexOf(T);
  const needed = res.baseline[iT] - res.target_value;
  const cls = Object.fromEntries(CLASSES.map((c) => [c, t(`class.${c}`)]));
  const inScope = (x) => x.in_scope !== false;
  const macItems = items.filter((x) => inScope(x) && x.cost_per_t !== null && x.attributed > 0)
    .sort((a, b) => a.cost_per_t - b.cost_per_t)
    .map((x) => ({...x, label: measureName(x.ms), short: measureName(x.ms).slice(0, 14)}));
  const left = items.filter((x) => inScope(x) && !(x.cost_per_t !== null && x.attributed > 0));
  const svgEl = macChart(macItems, needed, {title: t('mac.title'), x: t('mac.x'), y: t('mac.y'), needed: t('mac.needed'), cls});
  const head = [t('field.name'), t('col.class'), t('col.costpert'), t('col.attributed'), t('col.annualcost')];
  const raw = macItems.map((x) => [x.label, cls[x.class], x.cost_per_t, x.attributed, x.annual_cost]);
  const rows = macItems.map((x) => [x.label, cls[x.class], num(x.cost_per_t, 0), num(x.attributed), eur(x.annual_cost)]);
  const block = chartBlock({id: 'mac', title: t('mac.title'), caption: t('mac.caption'), svg: svgEl, auto: true, table: {head, rows, raw}, file: 'mac'});
  const legend = h('ul', {class: 'legend'}, CLASSES.map((c) => h('li', {}, classSwatch(c), ' ', cls[c])));
  const column = (c) => h('section', {class: `class-col class-${c}`, 'data-testid': `class-${c}`, 'aria-labelledby': `cls-${c}`},
    h('h3', {id: `cls-${c}`}, classSwatch(c), ' ', cls[c], h('span', {class: 'muted'}, ` · ${num(res.classes[c].count)}`)),
    h('p', {class: 'muted small'}, t('class.attributed', {t: tonnes(res.classes[c].attributed)})),
    h('ul', {}, items.filter((x) => x.class === c).map((x) => h('li', {'data-measure': x.id},
      h('strong', {}, measureName(x.ms)), ' ', h('span', {class: 'muted'}, `${inScope(x) ? tonnes(x.attributed) : '–'} · ${x.cost_per_t === null ? '–' : num(x.cost_per_t, 0) + ' €/t'}`),
      h('p', {class: 'why'}, reasonFor(x.ms, x, plan.settings || {}, T)),
      inScope(x) ? null : h('p', {class: 'why'}, outMark(measureStanding(x.ms, res)))))));
  return h('div', {},
    h('p', {class: 'headline', 'data-testid': 'easy-share'}, res.easy_share === null || res.easy_share === undefined
      ? t('easy.none') : t('easy.share', {p: share(res.easy_share), t: tonnes(needed), year: T})),
    h('section', {class: 'panel'}, legend, block.el,
      left.length ? h('p', {class: 'muted small'}, t('mac.left', {names: left.map((x) => measureName(x.ms)).join(', ')})) : null),
    h('div', {class: 'cards3 classes'}, CLASSES.map(column)),
    scopeNote(plan, res, editable),
    h('p', {class: 'muted small'}, t('class.rules', {easy: num(plan.settings.easy_max_eur_per_t ?? 50), hard: num(plan.settings.hard_min_eur_per_t ?? 150)})));
}

async function tabClasses(ctx, plan, m) {
  const res = await get(pathwayUrl(plan));
  if (!ctx.live()) return;
  ctx.show(frame(plan, m, 'classes', classesView(plan, res, app.canWrite(plan.municipality.code))));
}

/* ------------------------------------------------------------ optimise */

async function tabOptimize(ctx, plan, m) {
  const out = h('div', {'aria-live': 'polite'});
  const btn = h('button', {type: 'button', class: 'primary', 'data-testid': 'run-optimize'}, t('opt.run'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    out.replaceChildren(h('p', {class: 'loading'}, t('opt.running')));
    try {
      const o = await post(`/api/plans/${plan.id}/optimize`);
      const byId = new Map(plan.measures.map((x) => [x.id, x]));
      const names = (ids) => ids.length ? h('ul', {}, ids.map((id) => h('li', {}, measureName(byId.get(id) || {id})))) : h('p', {class: 'muted'}, t('opt.nothing'));
      const ncRes = {measures: [], not_computed: o.not_computed || [], scope: plan.target.scope};
      const notComputed = (o.not_computed || []).filter((x) => x.reason !== 'cancelled');
      const fixed = plan.measures.filter((x) => !x.optional && x.status !== 'cancelled' && !notComputed.some((n) => n.id === x.id));
      out.replaceChildren(h('div', {'data-testid': 'opt-result'},
        h('p', {class: 'headline'}, o.feasible ? t('opt.feasible', {cost: eur(o.annual_cost), margin: tonnes(-o.gap)})
          : t('opt.infeasible', {gap: tonnes(o.gap), cost: eur(o.annual_cost)})),
        h('div', {class: 'cards3'},
          h('section', {class: 'card'}, h('h3', {}, t('opt.keep')), names(o.keep)),
          h('section', {class: 'card'}, h('h3', {}, t('opt.drop')), names(o.drop)),
          h('section', {class: 'card'}, h('h3', {}, t('opt.fixed')), names(fixed.map((x) => x.id))),
          notComputed.length ? h('section', {class: 'card', 'data-testid': 'opt-notcomputed'}, h('h3', {}, t('opt.notcomputed')),
            h('ul', {}, notComputed.map((n) => {
              const ms = byId.get(n.id) || {id: n.id};
              return h('li', {}, measureName(ms), ' ', outMark(measureStanding(ms, ncRes)));
            }))) : null),
        h('p', {class: 'muted small'}, t('opt.method', {method: o.method, exact: o.exact ? t('yes') : t('no'), n: num(o.optional)})),
        app.canWrite(plan.municipality.code) && (o.keep.length || o.drop.length) ? applyBox(plan, o) : null));
    } catch (e) {
      out.replaceChildren(h('p', {class: 'form-error'}, errorText(e)));
    }
    btn.disabled = false;
  });
  ctx.show(frame(plan, m, 'optimize', h('section', {class: 'panel'}, h('h2', {}, t('opt.title')),
    h('p', {}, t('opt.intro')), btn, out)));
}

/** Applies the optimiser's answer to the plan as one audited change
 * (POST .../optimize/apply with the version the answer was computed for). */
function applyBox(plan, o) {
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'opt-apply-status'});
  const btn = h('button', {type: 'button', class: 'primary', 'data-testid': 'opt-apply'}, t('opt.apply'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    status.textContent = '';
    try {
      const p = await post(`/api/plans/${plan.id}/optimize/apply`, {version: plan.version});
      Object.assign(plan, p);
      status.textContent = t('opt.applied', {drop: num(o.drop.length), version: p.version});
    } catch (e) {
      status.textContent = e.status === 409 ? t('opt.stale') : e.status === 403 ? t('err.forbidden') : t('err.failed');
      if (e.status !== 409) btn.disabled = false;
    }
    announce(status.textContent);
  });
  return h('div', {class: 'apply-box'}, h('p', {class: 'help'}, t('opt.apply.help')), btn, status);
}

/* ------------------------------------------------------------ decision */

const DECISION_KINDS = ['council_target', 'board_proposal'];

/** The council decision on the plan: body, date, section (§), Dnro
 * (PUT/DELETE /api/plans/{id}/decision); the programme's eligibility and
 * the decision documents read it. */
async function tabDecision(ctx, plan, m) {
  const writable = app.canWrite(plan.municipality.code);
  let list;
  try {
    list = await get(`/api/plans/${plan.id}/decisions`);
  } catch (e) {
    if (e.status !== 403) throw e;
    list = null;
  }
  if (!ctx.live()) return;
  const listEl = h('div', {'data-testid': 'decision-list'});
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'decision-status'});
  const drawList = () => {
    listEl.replaceChildren(list && list.length ? h('ul', {class: 'decisions'}, list.map((d) => h('li', {'data-kind': d.kind},
      h('strong', {}, t(`decision.kind.${d.kind}`)), ': ', [d.body, date(d.date), d.section, d.dnro ? `Dnro ${d.dnro}` : null].filter(Boolean).join(' · '),
      writable ? [' ', h('button', {type: 'button', class: 'link', 'data-testid': `decision-delete-${d.kind}`, onclick: async () => {
        try {
          await del(`/api/plans/${plan.id}/decision?kind=${d.kind}`);
          list = list.filter((x) => x.kind !== d.kind);
          status.textContent = t('decision.deleted');
          drawList();
        } catch (e) { status.textContent = t('err.failed'); }
        announce(status.textContent);
      }}, t('decision.delete'))] : null))) : h('p', {class: 'muted'}, t('decision.none')));
  };
  drawList();
  const err = {};
  const f = {
    kind: h('select', {id: 'dec-kind'}, DECISION_KINDS.map((k) => h('option', {value: k}, t(`decision.kind.${k}`)))),
    body: h('input', {id: 'dec-body', type: 'text', 'aria-required': 'true', maxlength: 200, value: t('decision.body.default')}),
    date: h('input', {id: 'dec-date', type: 'date', 'aria-required': 'true'}),
    section: h('input', {id: 'dec-section', type: 'text', maxlength: 20, placeholder: '§ 45'}),
    dnro: h('input', {id: 'dec-dnro', type: 'text', maxlength: 60, placeholder: '12/11.00/2021'}),
  };
  const field = (k, label) => {
    err[k] = h('p', {class: 'field-error', id: `err-dec-${k}`, role: 'alert'});
    f[k].setAttribute('aria-describedby', `err-dec-${k}`);
    return h('div', {class: 'field'}, h('label', {for: `dec-${k}`}, label), f[k], err[k]);
  };
  const fill = () => {
    const d = (list || []).find((x) => x.kind === f.kind.value);
    if (!d) return;
    f.body.value = d.body || '';
    f.date.value = d.date || '';
    f.section.value = d.section || '';
    f.dnro.value = d.dnro || '';
  };
  f.kind.addEventListener('change', fill);
  fill();
  const form = writable ? h('form', {class: 'grid-form', id: 'decision-form', 'data-testid': 'decision-form', onsubmit: async (ev) => {
    ev.preventDefault();
    Object.values(err).forEach((x) => { x.textContent = ''; });
    status.textContent = '';
    for (const k of ['body', 'date']) {
      if (!f[k].value.trim()) { err[k].textContent = t('err.required'); f[k].focus(); return; }
    }
    const body = {kind: f.kind.value, body: f.body.value.trim(), date: f.date.value};
    if (f.section.value.trim()) body.section = f.section.value.trim();
    if (f.dnro.value.trim()) body.dnro = f.dnro.value.trim();
    try {
      const all = await put(`/api/plans/${plan.id}/decision`, body);
      list = all;
      drawList();
      status.textContent = t('decision.saved');
    } catch (e) {
      announce(placeErrors(e, err, status, f));
    }
    announce(status.textContent);
  }},
  field('kind', t('decision.kind')), field('body', t('decision.body')), field('date', t('decision.date')),
  field('section', t('decision.section')), field('dnro', t('decision.dnro')),
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', 'data-testid': 'decision-save'}, t('decision.save')))) : null;
  ctx.show(frame(plan, m, 'decision', h('section', {class: 'panel'}, h('h2', {}, t('decision.title')),
    h('p', {}, t('decision.intro')),
    list === null ? h('p', {class: 'muted'}, t('decision.members')) : listEl,
    form, status,
    h('p', {class: 'muted small'}, t('decision.docs'), ' ', h('a', {href: `#/m/${plan.municipality.code}/plans/${plan.id}/documents`}, t('tab.documents'))))));
}

/* ------------------------------------------------------------ comments */

function canComment(code) {
  const u = app.me && app.me.user;
  if (!u) return false;
  return u.role === 'organiser' || (['editor', 'expert'].includes(u.role) && u.municipalities.includes(code));
}

/** The experts' comments on the plan (GET/POST /api/plans/{id}/comments). */
async function tabComments(ctx, plan, m) {
  const code = plan.municipality.code;
  let list;
  try {
    list = await get(`/api/plans/${plan.id}/comments`);
  } catch (e) {
    if (e.status !== 403) throw e;
    list = null;
  }
  if (!ctx.live()) return;
  const listEl = h('div', {});
  const draw = () => listEl.replaceChildren(list && list.length ? h('ol', {class: 'comments', 'data-testid': 'comment-list'},
    list.map((c) => h('li', {'data-comment': c.id}, h('p', {class: 'meta muted small'}, c.author, ' · ', when(c.created_at)),
      h('p', {class: 'comment-body'}, c.body)))) : h('p', {class: 'muted'}, t('comments.none')));
  draw();
  const text = h('textarea', {id: 'comment-body', rows: 4, maxlength: 10000, 'aria-describedby': 'comment-err'});
  const msg = h('p', {class: 'field-error', id: 'comment-err', role: 'alert'});
  const form = list !== null && canComment(code) ? h('form', {class: 'grid-form', 'data-testid': 'comment-form', onsubmit: async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    if (!text.value.trim()) { msg.textContent = t('err.required'); text.focus(); return; }
    try {
      list = await post(`/api/plans/${plan.id}/comments`, {body: text.value});
      text.value = '';
      draw();
      announce(t('comments.added'));
    } catch (e) {
      msg.textContent = errorText(e);
    }
  }}, h('div', {class: 'field'}, h('label', {for: 'comment-body'}, t('comments.new')), text, msg),
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', 'data-testid': 'comment-submit'}, t('comments.add')))) : null;
  ctx.show(frame(plan, m, 'comments', h('section', {class: 'panel'}, h('h2', {}, t('comments.title')),
    h('p', {class: 'muted'}, t('comments.intro')),
    list === null ? h('p', {class: 'muted'}, t('decision.members')) : listEl, form)));
}

/** A time stamp with date and time, in the UI's language. */
function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '–';
  return `${date(iso)} ${d.toLocaleTimeString(document.documentElement.lang, {hour: '2-digit', minute: '2-digit'})}`;
}

/* ------------------------------------------------------------ audit */

const AUDIT_SKIP = new Set(['id', 'plan_id', 'version', 'updated_at', 'created_at', 'position']);

/** What changed between an audit row's old and new records, as short lines. */
function auditChanges(row, names) {
  const o = row.old || {}, n = row.new || {};
  const lines = [];
  const fmtV = (v) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  if (row.action === 'plan.optimize.apply') {
    const a = o.status || {}, b = n.status || {};
    for (const k of Object.keys(b)) if (a[k] !== b[k]) lines.push(`${names.get(k) || k}: ${t(`status.${a[k]}`)} → ${t(`status.${b[k]}`)}`);
    return lines;
  }
  const keys = new Set([...Object.keys(o), ...Object.keys(n)]);
  // A stored column by its form label where the UI has one ("scope" is "Laskentatapa").
  const labelled = /^(plan|measure)\.(create|update|delete)$/.test(row.action);
  const label = (k) => { const l = t(`field.${k}`); return !labelled || l === `field.${k}` ? k : l; };
  for (const k of keys) {
    if (AUDIT_SKIP.has(k)) continue;
    if (JSON.stringify(o[k]) === JSON.stringify(n[k])) continue;
    if (!row.old) lines.push(`${label(k)}: ${fmtV(n[k])}`);
    else if (!row.new) lines.push(`${label(k)}: ${fmtV(o[k])}`);
    else lines.push(`${label(k)}: ${fmtV(o[k])} → ${fmtV(n[k])}`);
  }
  return lines;
}

/** The plan's audit trail for its members: who, when, what changed. */
async function tabAudit(ctx, plan, m) {
  let rows;
  try {
    rows = await get(`/api/plans/${plan.id}/audit?limit=200`);
  } catch (e) {
    if (e.status !== 403) throw e;
    rows = null;
  }
  if (!ctx.live()) return;
  const byStore = new Map(plan.measures.map((x) => [x.measure_id, x]));
  const names = new Map(plan.measures.map((x) => [x.id, measureName(x)]));
  const table = rows && rows.length ? h('div', {class: 'scroll'}, h('table', {class: 'data audit', 'data-testid': 'audit-table'},
    h('caption', {}, t('audit.caption', {n: num(rows.length)})),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('audit.when')), h('th', {scope: 'col'}, t('audit.who')),
      h('th', {scope: 'col'}, t('audit.what')), h('th', {scope: 'col'}, t('audit.changes')))),
    h('tbody', {}, rows.map((r) => {
      const ms = r.measure_id ? byStore.get(r.measure_id) : null;
      const what = t(`audit.action.${r.action}`) + (ms ? `: ${measureName(ms)}` : r.measure_id && (r.new || r.old) ? `: ${(r.new || r.old).name || (r.new || r.old).key || ''}` : '');
      const changes = auditChanges(r, names);
      const shown = r.old ? 12 : 4; // a new record: its first fields only
      return h('tr', {'data-action': r.action},
        h('td', {}, when(r.at)), h('td', {}, r.actor || '–'), h('td', {}, what),
        h('td', {class: 'changes'}, changes.length ? h('ul', {}, changes.slice(0, shown).map((c) => h('li', {}, c)),
          changes.length > shown ? h('li', {class: 'muted'}, t('audit.more', {n: changes.length - shown})) : null) : '–'));
    })))) : h('p', {class: 'muted'}, t('audit.none'));
  ctx.show(frame(plan, m, 'audit', h('section', {class: 'panel'}, h('h2', {}, t('audit.title')),
    h('p', {class: 'muted'}, t('audit.intro')),
    rows === null ? h('p', {class: 'muted'}, t('decision.members')) : table)));
}

/* ------------------------------------------------------------ publish */

async function tabPublish(ctx, plan, m) {
  const writable = app.canWrite(plan.municipality.code);
  const link = `${location.origin}/#/public/plans/${plan.id}`;
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'publish-status'});
  const body = h('div', {});
  const draw = () => {
    body.replaceChildren(
      h('p', {'data-testid': 'published-state'}, plan.published ? t('publish.is') : t('publish.isnot')),
      plan.published ? h('p', {}, t('publish.link'), ' ', h('a', {href: link, 'data-testid': 'public-link'}, link)) : null,
      writable ? h('button', {type: 'button', class: plan.published ? '' : 'primary', 'data-testid': plan.published ? 'unpublish' : 'publish',
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            const p = await post(`/api/plans/${plan.id}/${plan.published ? 'unpublish' : 'publish'}`);
            Object.assign(plan, p);
            status.textContent = plan.published ? t('publish.done') : t('publish.undone');
            announce(status.textContent);
            draw();
          } catch (e) {
            status.textContent = errorText(e);
            ev.target.disabled = false;
          }
        }}, plan.published ? t('publish.unpublish') : t('publish.publish')) : null);
  };
  draw();
  ctx.show(frame(plan, m, 'publish', h('section', {class: 'panel'}, h('h2', {}, t('publish.title')),
    h('p', {}, t('publish.intro')), body, status)));
}

/* ------------------------------------------------------------ documents */

/** Downloads drafted by the server from the live numbers, in the UI's language. */
async function tabDocuments(ctx, plan, m) {
  const lang = getLang();
  const base = `/api/plans/${plan.id}`;
  const link = (href, label, id) => h('a', {href, download: '', class: 'button', 'data-testid': id}, label);
  const row = (title, text, links) => h('li', {class: 'doc'}, h('h3', {}, title), h('p', {class: 'muted'}, text),
    h('p', {class: 'actions'}, links));
  ctx.show(frame(plan, m, 'documents', h('section', {class: 'panel'}, h('h2', {}, t('docs.title')),
    h('p', {}, t('docs.intro')),
    h('ul', {class: 'docs'},
      row(t('docs.decision'), t('docs.decision.text'), [
        link(`${base}/documents/decision?lang=${lang}&format=pdf`, 'PDF', 'doc-decision-pdf'), ' ',
        link(`${base}/documents/decision?lang=${lang}&format=html`, 'HTML', 'doc-decision-html'), ' ',
        link(`${base}/documents/decision?lang=${lang}&format=md`, 'Markdown', 'doc-decision-md')]),
      row(t('docs.plan'), t('docs.plan.text'), [
        link(`${base}/documents/plan?lang=${lang}&format=pdf`, 'PDF', 'doc-plan-pdf'), ' ',
        link(`${base}/documents/plan?lang=${lang}&format=html`, 'HTML', 'doc-plan-html')]),
      row(t('docs.exports'), t('docs.exports.text'), [
        link(`${base}/exports/xlsx?lang=${lang}`, 'XLSX', 'doc-xlsx'), ' ',
        link(`${base}/exports/csv?table=pathway&lang=${lang}`, t('docs.csv'), 'doc-csv'), ' ',
        link(`${base}/exports/gpc`, 'GPC (CSV)', 'doc-gpc')])),
    h('p', {class: 'muted'}, t('docs.appeal')))));
}

/* ------------------------------------------------------------ public */

export async function viewPublic(ctx, r) {
  let plan, res;
  try {
    plan = await get(`/api/plans/${r.id}`);
    res = await get(pathwayUrl(plan));
  } catch (e) {
    app.crumbs([[t('public.title'), location.hash]]);
    ctx.show(errorPage(e.status === 401 || e.status === 403 ? new ApiError(404, null) : e));
    return;
  }
  if (!ctx.live()) return;
  // The plan document says no more than the name about the data: the demo
  // municipalities carry "(demo)" in it.
  app.demo(/\(demo\)/i.test(plan.municipality.name || ''));
  app.crumbs([[t('public.index'), '#/public'], [plan.name || t('plan.unnamed'), location.hash]]);
  const chart = pathwayChart(res);
  ctx.show(h('div', {class: 'plan public', 'data-testid': 'public-view'},
    h('section', {class: 'head'},
      h('h1', {}, plan.name || t('plan.unnamed')),
      h('p', {class: 'lead'}, plan.municipality.name, ' · ', targetSentence(plan)),
      h('p', {class: 'muted'}, t('public.readonly'))),
    headline(plan, res),
    h('div', {class: 'cols wide-left'}, h('section', {class: 'panel'}, chart.el),
      h('section', {class: 'panel'}, h('h2', {}, t('kf.title')), keyFigures(res))),
    h('section', {class: 'panel'}, wedgeChart(plan, res)),
    h('h2', {}, t('tab.classes')),
    classesView(plan, res),
    publicMeasures(plan, res),
    publicDocuments(plan)));
}

/** The published plan's measures with the party responsible for each. */
function publicMeasures(plan, res) {
  const byId = new Map((res.measures || []).map((x) => [x.id, x]));
  return h('section', {class: 'panel', 'aria-labelledby': 'pub-measures-h'},
    h('h2', {id: 'pub-measures-h'}, t('public.measures')),
    h('div', {class: 'scroll'}, h('table', {class: 'data', 'data-testid': 'public-measures'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('field.name')), h('th', {scope: 'col'}, t('field.responsible')),
        h('th', {scope: 'col'}, t('field.status')), h('th', {scope: 'col', class: 'num'}, t('col.attributed')))),
      h('tbody', {}, plan.measures.map((ms) => {
        const r = byId.get(ms.id);
        return h('tr', {'data-measure': ms.id}, h('th', {scope: 'row'}, measureName(ms)),
          h('td', {'data-testid': 'responsible'}, ms.responsible || t('public.noresponsible')),
          h('td', {}, t(`status.${ms.status || 'planned'}`)),
          h('td', {class: 'num'}, r && r.in_scope !== false ? tonnes(r.attributed) : '–'));
      })))));
}

/** The published plan's documents, for anyone to download. */
function publicDocuments(plan) {
  const lang = getLang();
  const base = `/api/plans/${plan.id}`;
  const link = (href, label, id) => h('a', {href, download: '', class: 'button', 'data-testid': id}, label);
  return h('section', {class: 'panel', 'aria-labelledby': 'pub-docs-h'},
    h('h2', {id: 'pub-docs-h'}, t('public.documents')),
    h('p', {class: 'actions'},
      link(`${base}/documents/plan?lang=${lang}&format=pdf`, t('public.doc.plan.pdf'), 'pub-doc-plan-pdf'), ' ',
      link(`${base}/documents/plan?lang=${lang}&format=html`, t('public.doc.plan.html'), 'pub-doc-plan-html'), ' ',
      link(`${base}/documents/decision?lang=${lang}&format=pdf`, t('public.doc.decision'), 'pub-doc-decision-pdf'), ' ',
      link(`${base}/exports/xlsx?lang=${lang}`, 'XLSX', 'pub-doc-xlsx'), ' ',
      link(`${base}/exports/csv?table=pathway&lang=${lang}`, t('docs.csv'), 'pub-doc-csv')));
}

/** The index of published plans, for anyone (GET /api/public/plans). */
export async function viewPublicIndex(ctx) {
  const list = await get('/api/public/plans');
  if (!ctx.live()) return;
  app.crumbs([[t('public.index'), '#/public']]);
  ctx.show(h('section', {class: 'panel', 'data-testid': 'public-index'},
    h('h1', {}, t('public.index')),
    h('p', {class: 'muted'}, t('public.index.intro')),
    list.length ? h('ul', {class: 'plan-list'}, list.map((p) => h('li', {},
      h('a', {href: `#/public/plans/${p.id}`, 'data-testid': 'public-plan-link'}, p.name || t('plan.unnamed')),
      h('span', {class: 'muted'}, ' · ', p.municipality_name || p.municipality, ' · ',
        t('plan.summary', {reduction: pct(-p.reduction, 0), target: p.target_year, base: p.base_year, scope: t(`scope.${p.scope}`)}),
        ' · ', t('plan.measures', {n: p.measures}))))) : h('p', {}, t('public.index.none'))));
}
