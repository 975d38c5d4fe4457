// The coaching programme (docs/programme.md): the programmes, a
// programme's page, the organiser's selection view (every application side
// by side with its eligibility, score and facts, the proposed cohort, the
// decisions and overrides) and a municipality's application form.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, announce} from './dom.js';
import {get, post, put, ApiError} from './api.js';
import {errorText} from './errors.js';
import {t, num, eur, date, getLang} from './i18n.js';
import {app} from './app.js';

const PHASES = ['orientation', 'municipal_work', 'peer_learning', 'expert_sparring'];
const LEVELS = ['civil_service', 'political'];
const CRITERIA = ['council_target', 'easy_and_hard', 'own_funding', 'participants'];

let flash = null; // a message to show after the next render of the form

const role = () => (app.me && app.me.user ? app.me.user.role : null);
const isOrganiser = () => role() === 'organiser';
const isEditor = () => role() === 'editor';
const periodTag = (p) => h('span', {class: `tag period-${p.application_period}`}, t(`prog.period.${p.application_period}`));

function forbidden() { return new ApiError(403, null); }

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
  const p = await loadProgramme(r.id);
  const mine = isOrganiser() ? null : await get(`/api/programmes/${r.id}/applications`);
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`]]);
  const actions = h('div', {class: 'actions'},
    isOrganiser() ? h('a', {class: 'button primary', href: `#/programmes/${p.id}/selection`, 'data-testid': 'to-selection'}, t('prog.selection')) : null,
    isOrganiser() ? h('a', {class: 'button', href: `#/programmes/${p.id}/cohort`, 'data-testid': 'to-cohort'}, t('coh.title')) : null,
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
    h('a', {href: `#/peer-groups/${g.id}`, 'data-testid': `to-group-${g.id}`}, t('cmp.link', {name: g.name}))))) : null;
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
  return h('ul', {class: 'elig'}, row.eligibility.map((c) => h('li', {class: c.met ? 'met' : 'unmet', 'data-criterion': c.criterion},
    h('span', {class: 'elig-mark', 'aria-hidden': 'true'}, c.met ? '✓' : '✗'),
    h('span', {}, h('strong', {}, t(`crit.${c.criterion}`), ': ', c.met ? t('elig.met') : t('elig.unmet')),
      h('span', {class: 'evidence'}, evidenceText(c))))));
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
  return h('article', {class: cls, 'data-testid': `app-${row.municipality}`, 'data-proposed': row.proposed ? 'true' : 'false',
    'aria-labelledby': `sel-h-${id}`},
  h('header', {class: 'sel-head'},
    h('h3', {id: `sel-h-${id}`}, row.name, h('span', {class: 'muted'}, ` ${row.municipality}`),
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
  row.override ? h('p', {class: 'decision-reason'}, h('strong', {}, t('sel.override.is')), ' ', row.override.reason,
    row.override.condition ? ` (${t('sel.override.condition')}: ${row.override.condition})` : '') : null,
  h('h4', {}, row.eligible ? t('sel.eligible') : t('sel.noteligible')),
  eligibilityList(row),
  row.why_not ? h('p', {class: 'muted small why-not'}, t('sel.whynot', {why: row.why_not})) : null,
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
  if (!isOrganiser()) throw forbidden();
  const [p, sel] = await Promise.all([loadProgramme(r.id), get(`/api/programmes/${r.id}/proposal?lang=${getLang()}`)]);
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
        region: num(sel.limits.region * 100, 0), size_class: num(sel.limits.size_class * 100, 0)}),
      pr.feasible ? null : h('strong', {class: 'warn'}, ' ', t('sel.infeasible'))),
      h('p', {class: 'muted small'}, t('sel.method', {method: pr.method}), ' · ',
        ['accepted', 'waitlisted', 'rejected', 'pending'].map((d) => `${t(`dec.${d}`)} ${counts[d] || 0}`).join(' · '))),
    weightsEditor(p, sel.weights),
    rows.length ? h('div', {class: 'sel-grid', 'data-testid': 'selection'}, rows.map((row) => selectionCard(row, () => app.rerender())))
      : h('p', {class: 'panel'}, t('sel.none')));
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
  if (u.role !== 'editor' && u.role !== 'organiser') throw forbidden();
  const [p, mine] = await Promise.all([loadProgramme(r.id), get(`/api/programmes/${r.id}/applications`)]);
  const codes = u.role === 'organiser' ? [] : u.municipalities;
  const code = r.code || codes[0];
  if (!code || (u.role === 'editor' && !codes.includes(code))) throw forbidden();
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
