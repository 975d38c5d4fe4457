// The coaching programme (docs/programme.md): the programmes, a
// programme's page, the organiser's programme editor (new and edit), the
// organiser's selection view (every application side by side with its
// eligibility, score and facts, a compact table of them all, the proposed
// cohort and why it may be short, the decisions and overrides, the
// decision notifications) and a municipality's application form.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, clear, announce} from './dom.js';
import {get, post, put, ApiError} from './api.js';
import {errorText} from './errors.js';
import {t, num, eur, date, getLang} from './i18n.js';
import {app} from './app.js';

/** A peer group's name without the generic word of a formed group's stored name (as views-cohort.js). */
const groupLabel = (name) => String(name || '').replace(/^(Vertaisryhmä|Referensgrupp|Peer group)\s+/i, '');

const PHASES = ['orientation', 'municipal_work', 'peer_learning', 'expert_sparring'];
const LEVELS = ['civil_service', 'political'];
const CRITERIA = ['council_target', 'easy_and_hard', 'own_funding', 'participants'];

let flash = null; // a message to show after the next render of the form

const role = () => (app.me && app.me.user ? app.me.user.role : null);
const isOrganiser = () => role() === 'organiser';
const isEditor = () => role() === 'editor';
const periodTag = (p) => h('span', {class: `tag period-${p.application_period}`}, t(`prog.period.${p.application_period}`));


/** The refusal of a programme page: it speaks of programmes, not of plans. */
export function noAccess() {
  return h('section', {class: 'panel error-page', 'data-testid': 'error-page', 'data-status': 403},
    h('h1', {}, t('err.forbidden.title')),
    h('p', {}, t('prog.forbidden')),
    h('p', {}, h('a', {href: '#/programmes'}, t('prog.title'))));
}

/** Runs a view; a 403 from it or from the API shows the programme's refusal. */
async function guarded(ctx, fn) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) { if (ctx.live()) ctx.show(noAccess()); return; }
    throw e;
  }
}

/** The message of an API error for a person. */
function errText(e) {
  if (!(e instanceof ApiError)) return t('err.failed');
  if (e.code === 'applications_closed') return t('prog.closed.msg');
  return errorText(e, {label: false});
}

/* ------------------------------------------------------------ the list */

export async function viewProgrammes(ctx) {
  const list = await get('/api/programmes');
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes']]);
  ctx.show(h('section', {class: 'panel'},
    h('h1', {}, t('prog.title')),
    isOrganiser() ? h('p', {class: 'actions'}, h('a', {class: 'button primary', href: '#/programmes/new',
      'data-testid': 'new-programme'}, t('pe.new'))) : null,
    list.length ? h('ul', {class: 'prog-list', 'data-testid': 'programme-list'}, list.map((p) => h('li', {},
      h('a', {href: `#/programmes/${p.id}`}, `${p.name} (${p.year})`), periodTag(p),
      h('p', {class: 'muted small'}, t('prog.summary', {from: date(p.apply_from), until: date(p.apply_until),
        min: p.capacity_min, max: p.capacity_max, days: p.contact_days}))))) : h('p', {}, t('prog.none'))));
}

/* ------------------------------------------------------------ a programme */

async function loadProgramme(id) { return get(`/api/programmes/${id}`); }

function programmeFacts(p) {
  return h('dl', {class: 'facts prog-facts'},
    h('dt', {}, t('prog.apply')), h('dd', {}, `${date(p.apply_from)} – ${date(p.apply_until)}`, periodTag(p)),
    h('dt', {}, t('prog.capacity')), h('dd', {}, t('prog.capacity.v', {min: p.capacity_min, max: p.capacity_max})),
    h('dt', {}, t('prog.funding')), h('dd', {}, eur(p.own_funding_eur)),
    h('dt', {}, t('prog.days')), h('dd', {'data-testid': 'contact-days'}, num(p.contact_days)));
}

export async function viewProgramme(ctx, r) {
  if (r.id === 'new') return viewProgrammeNew(ctx);
  return guarded(ctx, () => programmePage(ctx, r));
}

async function programmePage(ctx, r) {
  const p = await loadProgramme(r.id);
  const mine = isOrganiser() ? null : await get(`/api/programmes/${r.id}/applications`);
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`]]);
  const actions = h('div', {class: 'actions'},
    isOrganiser() ? h('a', {class: 'button primary', href: `#/programmes/${p.id}/selection`, 'data-testid': 'to-selection'}, t('prog.selection')) : null,
    isOrganiser() ? h('a', {class: 'button', href: `#/programmes/${p.id}/cohort`, 'data-testid': 'to-cohort'}, t('coh.title')) : null,
    isOrganiser() ? h('button', {type: 'button', 'data-testid': 'edit-programme', onclick: () => {
      app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`], [t('pe.edit'), location.hash]]);
      ctx.show(h('section', {class: 'head'}, h('h1', {tabindex: -1}, `${t('pe.edit')}: ${p.name}`)),
        programmeEditor(p, {onSaved: () => { app.focusHeading = true; app.rerender(); }, onCancel: () => app.rerender()}));
      ctx.main.querySelector('h1').focus();
    }}, t('pe.edit')) : null,
    isEditor() ? app.me.user.municipalities.map((code) => h('a', {class: 'button primary',
      href: `#/programmes/${p.id}/apply` + (app.me.user.municipalities.length > 1 ? `/${code}` : ''), 'data-testid': 'to-apply'},
    mine && mine.applications.some((a) => a.municipality === code) ? t('prog.myapp') : t('prog.applynow'),
    app.me.user.municipalities.length > 1 ? ` (${code})` : '')) : null);
  const groups = isOrganiser() ? [] : await get(`/api/programmes/${r.id}/peer-groups`);
  if (!ctx.live()) return;
  const own = mine && mine.applications.length ? h('ul', {}, mine.applications.map((a) => h('li', {},
    `${a.name} (${a.municipality}): `, t(`app.status.${a.status}`), ' · ', t(`dec.${a.decision}`),
    a.decision === 'accepted' ? [' · ', h('a', {href: `#/programmes/${p.id}/sparring/${a.application_id}`,
      'data-testid': `to-sparring-${a.municipality}`}, t('spar.link'))] : null))) : null;
  const myGroups = groups.length ? h('ul', {}, groups.map((g) => h('li', {},
    h('a', {href: `#/peer-groups/${g.id}`, 'data-testid': `to-group-${g.id}`}, t('cmp.link', {name: groupLabel(g.name)}))))) : null;
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, `${p.name} (${p.year})`),
      p.description ? h('p', {class: 'lead'}, p.description) : null),
    h('div', {class: 'cols'},
      h('section', {class: 'panel'}, h('h2', {}, t('prog.about')), programmeFacts(p),
        p.eligibility_text ? [h('h3', {}, t('prog.eligibility')), h('p', {}, p.eligibility_text)] : null,
        own, myGroups, actions),
      h('section', {class: 'panel'}, h('h2', {}, t('prog.phases')),
        h('ul', {}, p.phases.map((ph) => h('li', {}, t(`phase.${ph.key}`), ' – ', h('span', {class: 'muted'}, t(`aud.${ph.audience}`))))),
        h('h2', {}, t('prog.periods')),
        p.periods.map((c) => h('div', {class: 'period'},
          h('h3', {}, `${c.name || ''} ${date(c.starts)} – ${date(c.ends)}`),
          h('ul', {}, c.days.map((d) => h('li', {}, date(d.day), ', ', d.online ? t('prog.online') : d.place || '–',
            ' · ', t(`aud.${d.audience}`), d.agenda ? ` · ${d.agenda}` : null))))))));
}

/* ------------------------------------------------------------ selection */

/** The evidence without its leading verdict ("ei täytä: "), which the mark and label already say. */
const evidenceText = (c) => c.evidence.replace(/^[^:]*:\s*/, '');

function eligibilityList(row) {
  const code = row.municipality && typeof row.municipality === 'object' ? row.municipality.code : row.municipality;
  return h('ul', {class: 'elig'}, row.eligibility.map((c) => h('li', {class: c.met ? 'met' : 'unmet', 'data-criterion': c.criterion},
    h('span', {class: 'elig-mark', 'aria-hidden': 'true'}, c.met ? '✓' : '✗'),
    h('span', {}, h('strong', {}, t(`crit.${c.criterion}`), ': ', c.met ? t('elig.met') : t('elig.unmet')),
      h('span', {class: 'evidence'}, evidenceText(c)),
      // The decision is recorded on the plan (the plan's Decision tab).
      c.criterion === 'council_target' && !c.met && code ? [' ', h('a', {href: `#/m/${code}/decision`,
        'data-testid': 'record-decision'}, t('elig.record_decision'))] : null))));
}

/** Why an applicant is not proposed, in the UI's language (the API's why_not_code). */
function whyNot(row) {
  const c = row.why_not_code;
  if (c === 'not_submitted') return t('sel.why.not_submitted', {status: t(`app.status.${row.status}`)});
  if (c === 'not_eligible') return t('sel.why.not_eligible', {criteria: row.eligibility.filter((x) => !x.met)
    .map((x) => t(`crit.${x.criterion}`)).join(', ')});
  if (c === 'region_limit') return t('sel.why.region_limit', {cap: row.why_not_cap, region: row.facts.region_name || row.facts.region || '–'});
  if (c === 'size_limit') return t('sel.why.size_limit', {cap: row.why_not_cap, size: t(`size.${row.facts.size_class}`)});
  if (['rejected', 'capacity', 'limits'].includes(c)) return t(`sel.why.${c}`, {cap: row.why_not_cap});
  return t('sel.why.limits');
}

/** Why the proposal has fewer than the minimum: too few candidates, or the limit that binds. */
function shortfallText(sh) {
  if (sh.reason === 'too_few_candidates') return t('sel.short.few', {n: sh.candidates, min: sh.min});
  return t(`sel.short.${sh.reason}`, {min: sh.min});
}

function selectionCard(row, rerender) {
  const f = row.facts;
  const id = row.application_id;
  const rid = `reason-${id}`;
  const reason = h('input', {id: rid, type: 'text', 'data-testid': `reason-${row.municipality}`});
  const err = h('p', {class: 'field-error', role: 'alert', id: `${rid}-err`});
  reason.setAttribute('aria-describedby', `${rid}-err`);
  const status = h('p', {class: 'status', role: 'status'});
  const decide = async (d) => {
    err.textContent = '';
    reason.removeAttribute('aria-invalid');
    try {
      const r = await put(`/api/applications/${id}/decision`, {decision: d, reason: reason.value.trim() || null});
      announce(t('sel.decided', {name: row.name, decision: t(`dec.${r.decision.decision}`)}));
      rerender();
    } catch (e) {
      err.textContent = errText(e);
      if (e.field === 'reason') { reason.setAttribute('aria-invalid', 'true'); reason.focus(); }
    }
  };
  const oReason = h('input', {id: `oreason-${id}`, type: 'text'});
  const oCond = h('input', {id: `ocond-${id}`, type: 'text'});
  const oErr = h('p', {class: 'field-error', role: 'alert'});
  const override = async (remove) => {
    oErr.textContent = '';
    try {
      await put(`/api/applications/${id}/override`, remove ? {reason: null}
        : {reason: oReason.value.trim(), condition: oCond.value.trim() || null});
      rerender();
    } catch (e) { oErr.textContent = errText(e); }
  };
  const cls = ['card', 'sel-card', row.proposed ? 'proposed' : null, row.decision !== 'pending' ? `dec-${row.decision}` : null]
    .filter(Boolean).join(' ');
  return h('article', {class: cls, id: `app-${id}`, 'data-testid': `app-${row.municipality}`, 'data-proposed': row.proposed ? 'true' : 'false',
    'aria-labelledby': `sel-h-${id}`},
  h('header', {class: 'sel-head'},
    h('h3', {id: `sel-h-${id}`, tabindex: -1}, row.name, h('span', {class: 'muted'}, ` ${row.municipality}`),
      f.synthetic ? h('span', {class: 'tag demo'}, t('demo.tag')) : null),
    h('p', {class: 'score', 'data-score': row.score}, h('span', {class: 'big'}, num(row.score, 1)), ' ', t('sel.points'))),
  h('p', {class: 'tags'},
    row.proposed ? h('span', {class: 'tag proposed-tag'}, t('sel.proposed')) : null,
    h('span', {class: 'tag'}, t(`app.status.${row.status}`)),
    h('span', {class: `tag dec dec-${row.decision}`, 'data-testid': 'decision'}, t(`dec.${row.decision}`)),
    row.overridden ? h('span', {class: 'tag'}, t('sel.overridden')) : null),
  h('dl', {class: 'facts'},
    h('dt', {}, t('sel.size')), h('dd', {}, t(`size.${f.size_class}`), f.population ? ` (${num(f.population)})` : ''),
    h('dt', {}, t('sel.region')), h('dd', {}, f.region_name || f.region || '–'),
    h('dt', {}, t('sel.industrial')), h('dd', {}, f.industrial ? t('yes') : t('no'), ` (EU-ETS ${num(f.ets_share * 100, 0)} %)`)),
  row.decision !== 'pending' && row.decision_reason ? h('p', {class: 'decision-reason', 'data-testid': 'decision-reason'},
    h('strong', {}, t('sel.reason.given')), ' ', row.decision_reason) : null,
  row.override ? h('p', {class: 'decision-reason', 'data-testid': 'override-reason'}, h('strong', {}, t('sel.override.given')), ' ', row.override.reason,
    row.override.condition ? ` (${t('sel.override.cond.short')}: ${row.override.condition})` : '') : null,
  h('h4', {}, row.eligible ? t('sel.eligible') : t('sel.noteligible')),
  eligibilityList(row),
  row.why_not ? h('p', {class: 'muted small why-not', 'data-testid': 'why-not'}, t('sel.whynot', {why: whyNot(row)})) : null,
  h('div', {class: 'decide no-print'},
    h('div', {class: 'field'}, h('label', {for: rid}, t('sel.reason')), reason, err),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'primary', 'data-action': 'accepted', 'aria-describedby': `sel-h-${id}`, onclick: () => decide('accepted')}, t('sel.accept')),
      h('button', {type: 'button', 'data-action': 'waitlisted', 'aria-describedby': `sel-h-${id}`, onclick: () => decide('waitlisted')}, t('sel.waitlist')),
      h('button', {type: 'button', class: 'danger', 'data-action': 'rejected', 'aria-describedby': `sel-h-${id}`, onclick: () => decide('rejected')}, t('sel.reject'))),
    status,
    row.eligible && !row.overridden ? null : h('details', {class: 'override'},
      h('summary', {}, row.overridden ? t('sel.override.is') : t('sel.override')),
      h('p', {class: 'help'}, t('sel.override.help')),
      h('div', {class: 'field'}, h('label', {for: `oreason-${id}`}, t('sel.override.reason')), oReason),
      h('div', {class: 'field'}, h('label', {for: `ocond-${id}`}, t('sel.override.condition')), oCond),
      oErr,
      h('div', {class: 'actions'},
        h('button', {type: 'button', onclick: () => override(false)}, t('sel.override.save')),
        row.overridden ? h('button', {type: 'button', onclick: () => override(true)}, t('sel.override.remove')) : null))));
}

export async function viewSelection(ctx, r) {
  if (!isOrganiser()) { ctx.show(noAccess()); return; }
  return guarded(ctx, () => selectionPage(ctx, r));
}

/** The compact table of every applicant, beside the cards: one row each, a link to its card. */
function comparisonTable(rows) {
  const mark = (ok) => h('span', {class: ok ? 'ok-mark' : 'no-mark'}, ok ? '✓' : '✗', h('span', {class: 'sr-only'}, ok ? t('elig.met') : t('elig.unmet')));
  return h('section', {class: 'panel sel-compare'},
    h('h2', {id: 'sel-compare-h'}, t('sel.compare')),
    h('div', {class: 'table-wrap'}, h('table', {class: 'data compact', 'data-testid': 'sel-compare', 'aria-labelledby': 'sel-compare-h'},
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, t('coh.muni')),
        h('th', {scope: 'col', class: 'num'}, t('sel.col.score')),
        CRITERIA.map((c) => h('th', {scope: 'col', class: 'mark', title: t(`crit.${c}`)}, t(`sel.col.${c}`))),
        h('th', {scope: 'col'}, t('sel.size')),
        h('th', {scope: 'col'}, t('sel.region')),
        h('th', {scope: 'col'}, t('sel.industrial')),
        h('th', {scope: 'col'}, t('sel.col.proposed')),
        h('th', {scope: 'col'}, t('sel.col.decision')))),
      h('tbody', {}, rows.map((row) => h('tr', {'data-municipality': row.municipality, class: row.proposed ? 'proposed' : null},
        h('th', {scope: 'row'}, h('a', {href: `#app-${row.application_id}`, onclick: (ev) => {
          ev.preventDefault();
          const card = document.getElementById(`app-${row.application_id}`);
          if (card) { card.scrollIntoView({block: 'start'}); card.querySelector('h3').focus(); }
        }}, row.name), ' ', h('span', {class: 'muted'}, row.municipality)),
        h('td', {class: 'num'}, num(row.score, 1)),
        CRITERIA.map((c) => h('td', {class: 'mark', 'data-criterion': c}, mark((row.eligibility.find((x) => x.criterion === c) || {}).met))),
        h('td', {}, t(`size.${row.facts.size_class}`)),
        h('td', {}, row.facts.region_name || row.facts.region || '–'),
        h('td', {}, row.facts.industrial ? t('yes') : t('no')),
        h('td', {}, row.proposed ? t('yes') : t('no')),
        h('td', {}, t(`dec.${row.decision}`))))))));
}

/** The decision notifications, one per decided applicant, in its language. */
function notificationsPanel(list) {
  return h('section', {class: 'panel', 'data-testid': 'notifications'},
    h('h2', {}, t('sel.notes', {n: list.length})),
    h('p', {class: 'help'}, t('sel.notes.help')),
    list.length ? h('ul', {class: 'notes'}, list.map((n) => h('li', {'data-municipality': n.municipality},
      h('details', {}, h('summary', {}, h('strong', {}, n.municipality), ' · ', t(`dec.${n.decision}`), ' · ',
        t(`lang.${n.language}`), ' · ', n.subject),
      h('p', {class: 'pre'}, n.body))))) : h('p', {class: 'muted'}, t('sel.notes.none')));
}

async function selectionPage(ctx, r) {
  const [p, sel, notes] = await Promise.all([loadProgramme(r.id), get(`/api/programmes/${r.id}/proposal?lang=${getLang()}`),
    get(`/api/programmes/${r.id}/notifications`)]);
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`], [t('prog.selection'), location.hash]]);
  const pr = sel.proposal;
  const rows = sel.applications;
  const counts = {};
  for (const x of rows) counts[x.decision] = (counts[x.decision] || 0) + 1;
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, `${t('prog.selection')}: ${p.name}`),
      h('p', {class: 'lead'}, t('sel.intro', {n: rows.length, min: sel.capacity.min, max: sel.capacity.max}))),
    h('section', {class: 'panel proposal', 'data-testid': 'proposal'},
      h('h2', {}, t('sel.proposal')),
      h('p', {}, t('sel.proposal.text', {size: pr.size, total: num(pr.total_score, 1),
        region: num(sel.limits.region * 100, 0), size_class: num(sel.limits.size_class * 100, 0)})),
      pr.shortfall ? h('p', {class: 'warn', role: 'status', 'data-testid': 'shortfall', 'data-reason': pr.shortfall.reason},
        h('strong', {}, shortfallText(pr.shortfall))) : null,
      h('p', {class: 'muted small'}, t(`sel.method.${pr.method}`), ' · ',
        ['accepted', 'waitlisted', 'rejected', 'pending'].map((d) => `${t(`dec.${d}`)} ${counts[d] || 0}`).join(' · '))),
    weightsEditor(p, sel.weights),
    rows.length ? comparisonTable(rows) : null,
    rows.length ? h('div', {class: 'sel-grid', 'data-testid': 'selection'}, rows.map((row) => selectionCard(row, () => app.rerender())))
      : h('p', {class: 'panel'}, t('sel.none')),
    notificationsPanel(notes));
}

/** The score's weights, editable: saving re-ranks and re-proposes. */
function weightsEditor(p, weights) {
  const err = h('p', {class: 'field-error', role: 'alert'});
  const inputs = Object.keys(weights).map((k) => h('input', {id: `w-${k}`, type: 'number', min: 0, max: 100, step: 'any',
    value: weights[k], 'data-weight': k}));
  return h('details', {class: 'panel weights', 'data-testid': 'weights'},
    h('summary', {}, t('sel.weights')),
    h('p', {class: 'help'}, t('sel.weights.help')),
    h('div', {class: 'ref-grid'}, inputs.map((i) => h('div', {class: 'field'},
      h('label', {for: i.id}, t(`weight.${i.dataset.weight}`)), i))),
    err,
    h('button', {type: 'button', class: 'primary', 'data-action': 'save-weights', onclick: async () => {
      err.textContent = '';
      const w = Object.fromEntries(inputs.map((i) => [i.dataset.weight, Number(String(i.value).replace(',', '.'))]));
      try {
        await put(`/api/programmes/${p.id}`, {score_weights: w});
        announce(t('sel.weights.saved'));
        app.rerender();
      } catch (e) { err.textContent = errText(e); }
    }}, t('sel.weights.save')));
}

/* ------------------------------------------------------------ application form */

function refFields(prefix, label, ref, errs) {
  const mk = (k, type) => {
    const id = `${prefix}-${k}`;
    const input = h('input', {id, type, value: (ref && ref[k]) || ''});
    errs[`${prefix}.${k}`] = h('p', {class: 'field-error', role: 'alert', id: `${id}-err`});
    input.setAttribute('aria-describedby', `${id}-err`);
    return {input, el: h('div', {class: 'field'}, h('label', {for: id}, t(`dref.${k}`)), input, errs[`${prefix}.${k}`])};
  };
  const f = {body: mk('body', 'text'), date: mk('date', 'date'), section: mk('section', 'text'), dnro: mk('dnro', 'text')};
  errs[prefix] = h('p', {class: 'field-error', role: 'alert'});
  return {
    inputs: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.input])),
    el: h('fieldset', {class: 'ref', 'data-field': prefix}, h('legend', {}, label),
      h('div', {class: 'ref-grid'}, Object.values(f).map((x) => x.el)), errs[prefix]),
    read() {
      const v = Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value.trim()]));
      if (!v.body && !v.date && !v.section && !v.dnro) return null;
      return {body: v.body || null, date: v.date || null, section: v.section || null, dnro: v.dnro || null};
    },
  };
}

function yesNo(name, label, value, onchange) {
  const radios = [true, false].map((v) => h('input', {type: 'radio', name, id: `${name}-${v ? 'yes' : 'no'}`,
    value: v ? 'yes' : 'no', checked: value === v, onchange}));
  return {
    el: h('fieldset', {class: 'segmented yesno', 'data-field': name}, h('legend', {}, label),
      radios.map((r, i) => h('label', {for: r.id}, r, t(i ? 'no' : 'yes')))),
    get: () => radios[0].checked,
  };
}

function participantRow(p, phases, i, errs, onRemove) {
  const base = `pt-${i}`;
  const mk = (k, input) => {
    errs[`participants[${i}].${k}`] = h('p', {class: 'field-error', role: 'alert', id: `${base}-${k}-err`});
    input.setAttribute('aria-describedby', `${base}-${k}-err`);
    return input;
  };
  const name = mk('name', h('input', {id: `${base}-name`, type: 'text', value: p.name || '', autocomplete: 'off'}));
  const title = mk('title', h('input', {id: `${base}-title`, type: 'text', value: p.title || ''}));
  const level = mk('level', h('select', {id: `${base}-level`},
    h('option', {value: '', selected: !p.level}, t('part.level.choose')),
    LEVELS.map((l) => h('option', {value: l, selected: p.level === l}, t(`level.${l}`)))));
  errs[`participants[${i}].phases`] = h('p', {class: 'field-error', role: 'alert', id: `${base}-phases-err`});
  const boxes = phases.map((ph) => h('input', {type: 'checkbox', id: `${base}-ph-${ph.key}`, value: ph.key,
    checked: (p.phases || []).includes(ph.key)}));
  const el = h('fieldset', {class: 'participant', 'data-participant': i},
    h('legend', {}, t('part.n', {n: i + 1})),
    h('div', {class: 'part-grid'},
      h('div', {class: 'field'}, h('label', {for: name.id}, t('part.name')), name, errs[`participants[${i}].name`]),
      h('div', {class: 'field'}, h('label', {for: title.id}, t('part.title')), title, errs[`participants[${i}].title`]),
      h('div', {class: 'field'}, h('label', {for: level.id}, t('part.level')), level, errs[`participants[${i}].level`])),
    h('fieldset', {class: 'phases', 'aria-describedby': `${base}-phases-err`}, h('legend', {}, t('part.phases')),
      boxes.map((b, k) => h('label', {for: b.id}, b, t(`phase.${phases[k].key}`), h('span', {class: 'muted small'}, ` (${t(`aud.${phases[k].audience}`)})`))),
      errs[`participants[${i}].phases`]),
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'small', onclick: onRemove,
      'aria-label': t('part.remove.label', {n: i + 1})}, t('part.remove'))));
  return {
    el,
    read: () => ({id: p.id || undefined, name: name.value.trim() || null, title: title.value.trim() || null,
      level: level.value || null, phases: boxes.filter((b) => b.checked).map((b) => b.value)}),
  };
}

export async function viewApply(ctx, r) {
  const u = app.me.user;
  if (u.role !== 'editor' && u.role !== 'organiser') { ctx.show(noAccess()); return; }
  const [p, mine] = await Promise.all([loadProgramme(r.id), get(`/api/programmes/${r.id}/applications`)]);
  const codes = u.role === 'organiser' ? [] : u.municipalities;
  const code = r.code || codes[0];
  if (!code || (u.role === 'editor' && !codes.includes(code))) { ctx.show(noAccess()); return; }
  const row = mine.applications.find((a) => a.municipality === code);
  let a = row ? await get(`/api/applications/${row.application_id}?lang=${getLang()}`) : null;
  const muni = await app.cached(`/api/municipalities/${code}`);
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`], [t('app.title'), location.hash]]);
  const o = a || {climate_work: '', has_council_target: false, council_target: null, tells_easy_from_hard: false,
    easy_hard_how: '', problems: [], sparring_problem: '', own_funding_accepted: false, board_decision: null,
    language: null, participants: [{}], status: 'draft'};
  const closed = p.application_period === 'closed' && u.role !== 'organiser';
  const decided = a && a.decision.decision !== 'pending' && u.role !== 'organiser';
  const locked = closed || decided;
  const errs = {};
  const fe = (key, id) => {
    errs[key] = h('p', {class: 'field-error', role: 'alert', id: `${id}-err`});
    return errs[key];
  };
  const area = (id, value, rows = 4) => h('textarea', {id, rows, 'aria-describedby': `${id}-err`}, value || '');

  const climate = area('ap-climate_work', o.climate_work, 5);
  const ct = refFields('council_target', t('app.council_target.ref'), o.council_target, errs);
  const hasTarget = yesNo('ap-has_target', t('app.has_target'), o.has_council_target, () => { ct.el.hidden = !hasTarget.get(); });
  ct.el.hidden = !o.has_council_target;
  const how = area('ap-easy_hard_how', o.easy_hard_how, 3);
  const howField = h('div', {class: 'field'}, h('label', {for: how.id}, t('app.easy_hard_how')), how, fe('easy_hard_how', how.id));
  const easy = yesNo('ap-easy', t('app.tells_easy'), o.tells_easy_from_hard, () => { howField.hidden = !easy.get(); });
  howField.hidden = !o.tells_easy_from_hard;
  const problems = area('ap-problems', (o.problems || []).join('\n'), 4);
  const sparring = h('select', {id: 'ap-sparring_problem', 'aria-describedby': 'ap-sparring_problem-err'});
  const fillSparring = () => {
    const cur = sparring.value || o.sparring_problem;
    const list = problems.value.split('\n').map((x) => x.trim()).filter(Boolean);
    sparring.replaceChildren(h('option', {value: ''}, t('app.sparring.choose')),
      ...list.map((x) => h('option', {value: x, selected: x === cur}, x)));
  };
  problems.addEventListener('input', fillSparring);
  fillSparring();
  const funding = h('input', {type: 'checkbox', id: 'ap-own_funding', checked: !!o.own_funding_accepted});
  const board = refFields('board_decision', t('app.board'), o.board_decision, errs);
  const language = h('select', {id: 'ap-language'}, h('option', {value: '', selected: !o.language}, t('app.language.auto')),
    ['fi', 'sv', 'en'].map((l) => h('option', {value: l, selected: o.language === l}, t(`lang.${l}`))));

  // Participants: a list of rows, re-drawn when one is added or removed.
  let parts = (o.participants && o.participants.length ? o.participants : [{}]).map((x) => ({...x}));
  const partSlot = h('div', {class: 'participants'});
  let partRows = [];
  const drawParts = () => {
    for (const k of Object.keys(errs)) if (k.startsWith('participants[')) delete errs[k];
    partRows = parts.map((x, i) => participantRow(x, p.phases, i, errs, () => {
      parts = partRows.map((pr) => pr.read());
      parts.splice(i, 1);
      drawParts();
      partSlot.querySelector('input')?.focus();
    }));
    partSlot.replaceChildren(...partRows.map((x) => x.el));
  };
  drawParts();
  const addPart = h('button', {type: 'button', 'data-testid': 'add-participant', onclick: () => {
    parts = partRows.map((pr) => pr.read());
    parts.push({});
    drawParts();
    partSlot.querySelector(`#pt-${parts.length - 1}-name`)?.focus();
  }}, t('part.add'));
  errs.participants = h('p', {class: 'field-error', role: 'alert'});

  const formErr = h('p', {class: 'form-error', role: 'alert', 'data-testid': 'app-form-error'});
  const status = h('p', {class: 'status', role: 'status', 'data-testid': 'app-status'});
  if (flash) { status.textContent = flash; announce(flash); flash = null; }
  const read = () => {
    const list = problems.value.split('\n').map((x) => x.trim()).filter(Boolean);
    return {
      climate_work: climate.value.trim(),
      has_council_target: hasTarget.get(),
      council_target: hasTarget.get() ? ct.read() : null,
      tells_easy_from_hard: easy.get(),
      easy_hard_how: easy.get() ? how.value.trim() : '',
      problems: list,
      sparring_problem: sparring.value || null,
      own_funding_accepted: funding.checked,
      board_decision: board.read(),
      language: language.value || null,
      participants: partRows.map((pr) => {
        const x = pr.read();
        if (!x.id) delete x.id;
        return x;
      }),
    };
  };
  const clearErrors = () => {
    formErr.textContent = '';
    for (const e of Object.values(errs)) e.textContent = '';
    for (const el of document.querySelectorAll('#app-form [aria-invalid]')) el.removeAttribute('aria-invalid');
  };
  const inputFor = (field) => {
    const m = /^participants\[(\d+)\]\.(\w+)$/.exec(field);
    if (m) return document.getElementById(m[2] === 'phases' ? `pt-${m[1]}-ph-${p.phases[0]?.key}` : `pt-${m[1]}-${m[2]}`);
    const ref = /^(council_target|board_decision)\.(\w+)$/.exec(field);
    if (ref) return document.getElementById(`${ref[1]}-${ref[2]}`);
    return {climate_work: climate, easy_hard_how: how, problems, sparring_problem: sparring,
      own_funding_accepted: funding, language}[field.replace(/\[\d+\]$/, '')] || null;
  };
  const showError = (e) => {
    const field = e.field || '';
    const slot = errs[field] || errs[field.replace(/\[\d+\]$/, '')];
    const msg = errText(e);
    const input = field ? inputFor(field) : null;
    if (slot && e.status === 422) {
      slot.textContent = msg;
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    } else {
      formErr.textContent = msg;
    }
    announce(msg);
  };
  const save = async (newStatus) => {
    clearErrors();
    status.textContent = '';
    const body = read();
    if (newStatus) body.status = newStatus;
    try {
      if (!a) {
        body.municipality = code;
        if (!body.status) body.status = 'draft';
        a = await post(`/api/programmes/${p.id}/applications`, body);
      } else {
        body.version = a.version;
        a = await put(`/api/applications/${a.id}`, body);
      }
      flash = t(`app.saved.${a.status}`, {version: a.version});
      app.focusHeading = false;
      app.rerender();
    } catch (e) {
      if (e.status === 409) {
        formErr.textContent = t('app.conflict');
        return;
      }
      showError(e);
    }
  };
  const withdraw = async () => {
    clearErrors();
    try {
      a = await put(`/api/applications/${a.id}`, {status: 'withdrawn', version: a.version});
      flash = t('app.saved.withdrawn');
      app.focusHeading = false;
      app.rerender();
    } catch (e) { showError(e); }
  };

  const section = (title, ...kids) => h('section', {class: 'panel'}, h('h2', {}, title), ...kids);
  const form = h('form', {id: 'app-form', 'data-testid': 'application-form', novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); save('submitted'); }},
  section(t('app.sec.work'),
    h('div', {class: 'field'}, h('label', {for: climate.id}, t('app.climate_work')), climate,
      h('p', {class: 'help'}, t('app.climate_work.help')), fe('climate_work', climate.id)),
    hasTarget.el, ct.el, errs.council_target,
    easy.el, howField),
  section(t('app.sec.problems'),
    h('div', {class: 'field'}, h('label', {for: problems.id}, t('app.problems')), problems,
      h('p', {class: 'help'}, t('app.problems.help')), fe('problems', problems.id)),
    h('div', {class: 'field'}, h('label', {for: sparring.id}, t('app.sparring')), sparring, fe('sparring_problem', sparring.id))),
  section(t('app.sec.participants'), h('p', {class: 'help'}, t('app.participants.help')), partSlot, errs.participants,
    h('div', {class: 'actions'}, addPart)),
  section(t('app.sec.commit'),
    h('div', {class: 'field check'}, funding, h('label', {for: funding.id}, t('app.own_funding', {eur: eur(p.own_funding_eur)})),
      fe('own_funding_accepted', funding.id)),
    board.el, errs.board_decision,
    h('div', {class: 'field narrow-field'}, h('label', {for: language.id}, t('app.language')), language, fe('language', language.id))),
  h('section', {class: 'panel form-end'},
    formErr, status,
    locked ? h('p', {class: 'muted'}, closed ? t('prog.closed.msg') : t('app.decided')) : h('div', {class: 'actions'},
      a && a.status === 'submitted' ? null : h('button', {type: 'button', 'data-testid': 'save-draft',
        onclick: () => save('draft')}, t('app.save')),
      h('button', {type: 'submit', class: 'primary', 'data-testid': 'submit-application'},
        a && a.status === 'submitted' ? t('app.update') : t('app.submit')),
      a && a.status === 'submitted' ? h('button', {type: 'button', class: 'danger', 'data-testid': 'withdraw',
        onclick: withdraw}, t('app.withdraw')) : null)));
  if (locked) for (const el of form.querySelectorAll('input, select, textarea, [data-testid=add-participant], .participant button')) el.disabled = true;

  const stateBox = a ? h('section', {class: 'panel app-state', 'data-testid': 'app-state', 'data-status': a.status},
    h('h2', {}, t('app.state')),
    h('p', {}, h('strong', {}, t(`app.status.${a.status}`)), a.submitted_at ? ` · ${t('app.submitted_at', {d: date(a.submitted_at)})}` : '',
      ' · ', t(`dec.${a.decision.decision}`), a.decision.reason ? ` (${a.decision.reason})` : ''),
    a.notification ? h('details', {}, h('summary', {}, a.notification.subject), h('p', {class: 'pre'}, a.notification.body)) : null,
    h('h3', {}, t('app.eligibility')),
    h('p', {class: 'muted small'}, t('app.eligibility.help')),
    eligibilityList(a),
    h('h3', {}, t('app.boarddoc')),
    h('p', {class: 'muted small'}, t('app.boarddoc.help')),
    h('p', {class: 'actions'},
      h('a', {class: 'button', download: '', 'data-testid': 'board-doc-pdf',
        href: `/api/applications/${a.id}/documents/decision?lang=${getLang()}&format=pdf`}, 'PDF'), ' ',
      h('a', {class: 'button', download: '', href: `/api/applications/${a.id}/documents/decision?lang=${getLang()}&format=html`}, 'HTML'), ' ',
      h('a', {class: 'button', download: '', href: `/api/applications/${a.id}/documents/decision?lang=${getLang()}&format=md`}, 'Markdown'))) : null;
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, `${t('app.title')}: ${p.name}`),
      h('p', {class: 'lead'}, muni.name_fi || muni.name || code, ` (${code}) · `,
        t('prog.apply'), ' ', `${date(p.apply_from)} – ${date(p.apply_until)}`, periodTag(p))),
    ...(stateBox ? [stateBox] : []), form);
}

/* ------------------------------------------------------------ the programme editor */

const SCORE_KEYS = ['eligibility', 'council_target', 'easy_hard', 'own_funding', 'participants', 'sparring_problem', 'board_decision'];
const AUDIENCES = ['civil_service', 'political', 'both'];
/** A fraction as the percentage the user types ("40", "12.5"). */
const pctText = (f) => (f === null || f === undefined ? '' : String(Math.round(f * 1000) / 10).replace('.', getLang() === 'en' ? '.' : ','));
/** What the user typed as a number (decimal comma or point, spaces); null when empty, NaN when not a number. */
const typedNumber = (s) => {
  const v = String(s).trim().replace(/[\s\u00a0]/g, '').replace(',', '.');
  return v === '' ? null : Number(v);
};
/** Where the server's field path has its error: the path itself, else its nearest parent with one. */
function errorSlot(errs, field) {
  let f = field || '';
  while (f) {
    if (errs[f]) return f;
    const cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
    f = cut > 0 ? f.slice(0, cut) : '';
  }
  return null;
}

/**
 * The organiser's form for a programme: new (p null) or an edit. Dates,
 * capacity, own funding, the diversity limits (as %), the phases with
 * their audiences, the contact periods with their days, and the score
 * weights. A 422 stands at its field.
 */
function programmeEditor(p, {onSaved, onCancel}) {
  const year = new Date().getFullYear() + 1;
  const v = p ? JSON.parse(JSON.stringify(p)) : {
    name: '', year, description: '', eligibility_text: '', apply_from: '', apply_until: '',
    capacity_min: 10, capacity_max: 15, own_funding_eur: 2000, max_region_share: 0.4, max_size_share: 0.5,
    score_weights: null,
    phases: [{key: 'orientation', audience: 'civil_service'}, {key: 'municipal_work', audience: 'civil_service'},
      {key: 'peer_learning', audience: 'both'}, {key: 'expert_sparring', audience: 'both'}],
    periods: [],
  };
  const errs = {};
  const inputs = {};
  const field = (path, label, input, help) => {
    errs[path] = h('p', {class: 'field-error', role: 'alert', id: `${input.id}-err`});
    inputs[path] = input;
    input.setAttribute('aria-describedby', `${input.id}-err`);
    return h('div', {class: 'field'}, h('label', {for: input.id}, label), input,
      help ? h('p', {class: 'help'}, help) : null, errs[path]);
  };
  const text = (id, value, type = 'text', extra = {}) => h('input', {id, type, value: value ?? '', ...extra});
  const name = text('pe-name', v.name);
  const yr = text('pe-year', v.year, 'number', {min: 2000, max: 2100, step: 1});
  const description = h('textarea', {id: 'pe-description', rows: 3}, v.description || '');
  const eligibility = h('textarea', {id: 'pe-eligibility', rows: 2}, v.eligibility_text || '');
  const from = text('pe-apply_from', v.apply_from, 'date');
  const until = text('pe-apply_until', v.apply_until, 'date');
  const cmin = text('pe-capacity_min', v.capacity_min, 'number', {min: 1, max: 1000, step: 1});
  const cmax = text('pe-capacity_max', v.capacity_max, 'number', {min: 1, max: 1000, step: 1});
  const funding = text('pe-own_funding_eur', v.own_funding_eur, 'text', {inputmode: 'decimal'});
  const region = text('pe-max_region_share', pctText(v.max_region_share), 'text', {inputmode: 'decimal'});
  const size = text('pe-max_size_share', pctText(v.max_size_share), 'text', {inputmode: 'decimal'});

  // Phases: each of the four, on or off, with its audience.
  const phaseRows = PHASES.map((key, i) => {
    const cur = v.phases.find((x) => x.key === key);
    const on = h('input', {type: 'checkbox', id: `pe-ph-${key}`, checked: !!cur});
    const aud = h('select', {id: `pe-ph-${key}-aud`, 'aria-label': `${t(`phase.${key}`)}: ${t('pe.audience')}`},
      AUDIENCES.map((a) => h('option', {value: a, selected: (cur ? cur.audience : 'both') === a}, t(`aud.${a}`))));
    errs[`phases[${i}]`] = h('p', {class: 'field-error', role: 'alert'});
    return {key, on, aud, el: h('div', {class: 'pe-phase'}, h('label', {for: on.id}, on, t(`phase.${key}`)), aud)};
  });
  errs.phases = h('p', {class: 'field-error', role: 'alert'});

  // Contact periods and their days: edited in place, re-drawn on add and remove.
  const periodsBox = h('div', {class: 'pe-periods'});
  errs.periods = h('p', {class: 'field-error', role: 'alert'});
  const phaseKeysOn = () => phaseRows.filter((r) => r.on.checked).map((r) => r.key);
  const bind = (obj, key, input, conv = (x) => x) => {
    input.addEventListener(input.type === 'checkbox' ? 'change' : 'input', () => {
      obj[key] = input.type === 'checkbox' ? input.checked : conv(input.value);
    });
    return input;
  };
  function drawPeriods() {
    for (const k of Object.keys(errs)) if (k.startsWith('periods[')) { delete errs[k]; delete inputs[k]; }
    clear(periodsBox);
    v.periods.forEach((c, i) => {
      const base = `pe-p${i}`;
      const days = h('div', {class: 'pe-days'});
      (c.days || []).forEach((d, j) => {
        const db = `${base}-d${j}`;
        const path = `periods[${i}].days[${j}]`;
        const online = bind(d, 'online', h('input', {type: 'checkbox', id: `${db}-online`, checked: !!d.online}));
        const phase = bind(d, 'phase', h('select', {id: `${db}-phase`},
          h('option', {value: '', selected: !d.phase}, t('pe.day.nophase')),
          PHASES.map((k) => h('option', {value: k, selected: d.phase === k}, t(`phase.${k}`)))), (x) => x || null);
        errs[path] = h('p', {class: 'field-error', role: 'alert'});
        days.append(h('fieldset', {class: 'pe-day', 'data-day': `${i}-${j}`},
          h('legend', {}, t('pe.day.n', {n: j + 1})),
          h('div', {class: 'ref-grid'},
            field(`${path}.day`, t('coh.day.day'), bind(d, 'day', text(`${db}-day`, d.day, 'date'))),
            field(`${path}.place`, t('pe.day.place'), bind(d, 'place', text(`${db}-place`, d.place), (x) => x.trim() || null)),
            field(`${path}.audience`, t('coh.day.audience'), bind(d, 'audience', h('select', {id: `${db}-audience`},
              AUDIENCES.map((a) => h('option', {value: a, selected: (d.audience || 'both') === a}, t(`aud.${a}`)))))),
            field(`${path}.phase`, t('pe.day.phase'), phase),
            field(`${path}.agenda`, t('pe.day.agenda'), bind(d, 'agenda', text(`${db}-agenda`, d.agenda), (x) => x.trim() || null))),
          h('div', {class: 'field check'}, online, h('label', {for: online.id}, t('pe.day.online'))),
          errs[path],
          h('div', {class: 'actions'}, h('button', {type: 'button', class: 'small', 'data-action': 'remove-day',
            'aria-label': t('pe.day.remove.label', {n: j + 1, period: c.name || i + 1}),
            onclick: () => { c.days.splice(j, 1); drawPeriods(); }}, t('pe.day.remove')))));
      });
      const path = `periods[${i}]`;
      errs[path] = h('p', {class: 'field-error', role: 'alert'});
      errs[`${path}.days`] = h('p', {class: 'field-error', role: 'alert'});
      periodsBox.append(h('fieldset', {class: 'pe-period', 'data-period': i},
        h('legend', {}, t('pe.period.n', {n: i + 1})),
        h('div', {class: 'ref-grid'},
          field(`${path}.name`, t('pe.period.name'), bind(c, 'name', text(`${base}-name`, c.name), (x) => x.trim() || null)),
          field(`${path}.starts`, t('pe.period.starts'), bind(c, 'starts', text(`${base}-starts`, c.starts, 'date'))),
          field(`${path}.ends`, t('pe.period.ends'), bind(c, 'ends', text(`${base}-ends`, c.ends, 'date')))),
        errs[path], days, errs[`${path}.days`],
        h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'small', 'data-action': 'add-day', onclick: () => {
            c.days = c.days || [];
            const on = phaseKeysOn();
            c.days.push({day: c.starts || '', place: '', online: false, audience: 'civil_service', phase: on[0] || null, agenda: null});
            drawPeriods();
            const el = document.getElementById(`${base}-d${c.days.length - 1}-day`);
            if (el) el.focus();
          }}, t('pe.day.add')),
          h('button', {type: 'button', class: 'small danger', 'data-action': 'remove-period',
            'aria-label': t('pe.period.remove.label', {n: i + 1}),
            onclick: () => {
              if ((c.days || []).some((d) => d.id) && !window.confirm(t('pe.period.remove.confirm', {n: i + 1}))) return;
              v.periods.splice(i, 1);
              drawPeriods();
            }}, t('pe.period.remove')))));
    });
    if (!v.periods.length) periodsBox.append(h('p', {class: 'muted'}, t('pe.periods.none')));
  }
  drawPeriods();
  const addPeriod = h('button', {type: 'button', 'data-action': 'add-period', onclick: () => {
    v.periods.push({name: t('pe.period.default', {n: v.periods.length + 1}), starts: '', ends: '', days: []});
    drawPeriods();
    const el = document.getElementById(`pe-p${v.periods.length - 1}-starts`);
    if (el) el.focus();
  }}, t('pe.period.add'));

  // The score weights (defaults until saved).
  const weights = v.score_weights || {eligibility: 3, council_target: 2, easy_hard: 2, own_funding: 1, participants: 1, sparring_problem: 1, board_decision: 1};
  const wInputs = SCORE_KEYS.map((k) => h('input', {id: `pe-w-${k}`, type: 'text', inputmode: 'decimal',
    value: String(weights[k] ?? 0), 'data-weight': k}));

  const formErr = h('p', {class: 'field-error form-error', role: 'alert'});
  const status = h('p', {class: 'status', role: 'status'});
  const clearErrors = () => {
    for (const e of Object.values(errs)) e.textContent = '';
    for (const i of Object.values(inputs)) i.removeAttribute('aria-invalid');
    formErr.textContent = '';
  };
  const showAt = (path, msg) => {
    const slot = errorSlot(errs, path);
    if (!slot) { formErr.textContent = msg; formErr.scrollIntoView({block: 'center'}); return; }
    errs[slot].textContent = msg;
    const input = inputs[slot];
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else errs[slot].scrollIntoView({block: 'center'});
  };
  const read = () => {
    const problems = [];
    const numberAt = (path, input, kind) => {
      const x = typedNumber(input.value);
      if (x === null || Number.isNaN(x)) { problems.push([path, t(kind === 'int' ? 'pe.err.whole' : 'pe.err.number')]); return null; }
      if (kind === 'int' && !Number.isInteger(x)) { problems.push([path, t('pe.err.whole')]); return null; }
      return x;
    };
    const share = (path, input) => {
      const x = numberAt(path, input, 'num');
      if (x !== null && !(x > 0 && x <= 100)) { problems.push([path, t('pe.err.share', {v: input.value.trim()})]); return null; }
      return x === null ? null : Math.round(x * 10) / 1000;
    };
    const body = {
      name: name.value.trim() || null,
      year: numberAt('year', yr, 'int'),
      description: description.value.trim(),
      eligibility_text: eligibility.value.trim(),
      apply_from: from.value || null,
      apply_until: until.value || null,
      capacity_min: numberAt('capacity_min', cmin, 'int'),
      capacity_max: numberAt('capacity_max', cmax, 'int'),
      own_funding_eur: numberAt('own_funding_eur', funding, 'num'),
      max_region_share: share('max_region_share', region),
      max_size_share: share('max_size_share', size),
      phases: phaseRows.filter((r) => r.on.checked).map((r) => ({key: r.key, audience: r.aud.value})),
      periods: v.periods.map((c) => ({...(c.id ? {id: c.id} : {}), name: c.name || null, starts: c.starts || null,
        ends: c.ends || null, days: (c.days || []).map((d) => ({...(d.id ? {id: d.id} : {}), day: d.day || null,
          place: d.online && !d.place ? 'online' : d.place || null, online: !!d.online, audience: d.audience || 'both',
          phase: d.phase || null, agenda: d.agenda || null}))})),
      score_weights: Object.fromEntries(wInputs.map((i) => [i.dataset.weight, numberAt(`score_weights.${i.dataset.weight}`, i, 'num')])),
    };
    if (p) body.version = p.version;
    return {body, problems};
  };
  const save = async () => {
    clearErrors();
    status.textContent = '';
    const {body, problems} = read();
    if (problems.length) {
      for (const [path, msg] of problems.reverse()) showAt(path, msg);
      announce(problems[0][1]);
      return;
    }
    try {
      const saved = p ? await put(`/api/programmes/${p.id}`, body) : await post('/api/programmes', body);
      announce(t(p ? 'pe.saved' : 'pe.created', {name: saved.name}));
      onSaved(saved);
    } catch (e) {
      const msg = e instanceof ApiError && e.status === 409 && !e.field ? t('pe.conflict') : errText(e);
      showAt(e.field, msg);
      announce(msg);
    }
  };
  errs.score_weights = h('p', {class: 'field-error', role: 'alert'});
  const section = (title, ...kids) => h('section', {class: 'panel'}, h('h2', {}, title), ...kids);
  return h('form', {class: 'programme-editor', 'data-testid': 'programme-editor', novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); save(); }},
  section(t('pe.sec.basics'),
    h('div', {class: 'ref-grid'}, field('name', t('pe.name'), name), field('year', t('pe.year'), yr)),
    field('description', t('pe.description'), description),
    field('eligibility_text', t('pe.eligibility'), eligibility, t('pe.eligibility.help'))),
  section(t('pe.sec.call'),
    h('div', {class: 'ref-grid'},
      field('apply_from', t('pe.apply_from'), from), field('apply_until', t('pe.apply_until'), until),
      field('capacity_min', t('pe.capacity_min'), cmin), field('capacity_max', t('pe.capacity_max'), cmax),
      field('own_funding_eur', t('pe.funding'), funding))),
  section(t('pe.sec.limits'),
    h('p', {class: 'help'}, t('pe.limits.help')),
    h('div', {class: 'ref-grid'},
      field('max_region_share', t('pe.region'), region, t('pe.pct')), field('max_size_share', t('pe.size'), size, t('pe.pct')))),
  section(t('prog.phases'),
    h('p', {class: 'help'}, t('pe.phases.help')),
    h('div', {class: 'pe-phases', 'data-field': 'phases'}, phaseRows.map((r) => r.el)), errs.phases),
  section(t('prog.periods'),
    h('p', {class: 'help'}, t('pe.periods.help')),
    periodsBox, errs.periods, h('div', {class: 'actions'}, addPeriod)),
  section(t('sel.weights'),
    h('p', {class: 'help'}, t('sel.weights.help')),
    h('div', {class: 'ref-grid'}, wInputs.map((i) => field(`score_weights.${i.dataset.weight}`, t(`weight.${i.dataset.weight}`), i))),
    errs.score_weights),
  h('section', {class: 'panel form-end'}, formErr, status,
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'primary', 'data-testid': 'save-programme'}, p ? t('pe.save') : t('pe.create')),
      h('button', {type: 'button', onclick: onCancel}, t('pe.cancel')))));
}

/** #/programmes/new: the organiser creates a programme. */
async function viewProgrammeNew(ctx) {
  if (!isOrganiser()) { ctx.show(noAccess()); return; }
  app.crumbs([[t('prog.title'), '#/programmes'], [t('pe.new'), location.hash]]);
  ctx.show(h('section', {class: 'head'}, h('h1', {}, t('pe.new')), h('p', {class: 'lead'}, t('pe.new.lead'))),
    programmeEditor(null, {
      onSaved: (saved) => app.navigate(`#/programmes/${saved.id}`),
      onCancel: () => app.navigate('#/programmes'),
    }));
}
