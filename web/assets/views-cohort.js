// Running the cohort (docs/programme.md): the organiser's cohort page
// (the dashboard with the report downloads, own funding invoiced and paid,
// contact days with attendance for the days held, peer groups formed and
// edited by hand), a municipality's sparring log, and a peer group's
// side-by-side comparison.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, announce} from './dom.js';
import {get, post, put, del, ApiError} from './api.js';
import {errorText, fieldKey} from './errors.js';
import {t, num, pct, tonnes, date, getLang} from './i18n.js';
import {app} from './app.js';

const isOrganiser = () => app.me && app.me.user && app.me.user.role === 'organiser';

function errText(e) {
  return errorText(e, {label: false});
}

/** A peer group's name without the generic word a formed group's stored name starts with ("Vertaisryhmä 1" is group "1"). */
export const groupLabel = (name) => String(name || '').replace(/^(Vertaisryhmä|Referensgrupp|Peer group)\s+/i, '');
/** Today's date (UTC, as the server counts days). */
const today = () => new Date().toISOString().slice(0, 10);

/** Runs a view; a 403 shows the programme's refusal, which speaks of programmes. */
async function guarded(ctx, fn) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      const {noAccess} = await import('./views-programme.js');
      if (ctx.live()) ctx.show(noAccess());
      return;
    }
    throw e;
  }
}

/** What the contact days' status says after the next render (attendance saved). */
let dayFlash = null;

const gapText = (v) => (v === null || v === undefined ? '–' : tonnes(v));

/* ------------------------------------------------------------ the cohort page */

function dashboardTable(d) {
  return h('div', {class: 'table-wrap'}, h('table', {class: 'data', 'data-testid': 'dashboard'},
    h('caption', {}, t('coh.dash.caption', {held: d.days_held, days: d.contact_days})),
    h('thead', {}, h('tr', {}, ['coh.muni', 'coh.target', 'coh.gap.start', 'coh.gap.now', 'coh.easy',
      'coh.commit', 'coh.attend', 'coh.funding'].map((k, i) => h('th', {class: i >= 2 && i <= 6 ? 'num' : null, scope: 'col'}, t(k))))),
    h('tbody', {}, d.rows.map((r) => {
      const ct = r.council_target;
      const ref = ct.decision ? `${ct.decision.body} ${date(ct.decision.date)}${ct.decision.section ? ' ' + ct.decision.section : ''}` : '';
      return h('tr', {'data-municipality': r.municipality},
        h('th', {scope: 'row'}, h('a', {href: `#/programmes/${d.programme_id}/sparring/${r.application_id}`}, r.name), ' ',
          h('span', {class: 'muted'}, r.municipality)),
        h('td', {}, ct.set ? [ct.since_start ? h('strong', {}, t('coh.target.new')) : t('coh.target.set'), h('br'), h('span', {class: 'muted small'}, ref)]
          : h('span', {class: 'warn'}, t('coh.target.none'))),
        h('td', {class: 'num'}, gapText(r.gap.start)),
        h('td', {class: 'num'}, gapText(r.gap.now)),
        h('td', {class: 'num'}, r.easy_share === null || r.easy_share === undefined ? '–' : pct(r.easy_share, 0)),
        h('td', {class: 'num', 'data-testid': `commit-${r.municipality}`}, t('coh.commit.v', {done: r.commitments.done, open: r.commitments.open})),
        h('td', {class: 'num', 'data-testid': `attend-${r.municipality}`}, t('coh.attend.v', {att: r.attendance.days_attended, held: r.attendance.days_held})),
        h('td', {}, r.own_funding.paid_at ? t('coh.paid', {d: date(r.own_funding.paid_at)})
          : r.own_funding.invoiced_at ? t('coh.invoiced', {d: date(r.own_funding.invoiced_at)}) : '–'));
    }))));
}

function contactDays(pid, cd, rerender) {
  const present = new Set(cd.attendance.filter((a) => a.present).map((a) => `${a.contact_day_id}:${a.participant_id}`));
  const days = cd.periods.flatMap((p) => p.days.map((d) => ({...d, period: p})));
  const status = h('p', {class: 'status', role: 'status'}, dayFlash || '');
  dayFlash = null;
  const dayBlock = (d) => {
    const boxes = cd.participants.map((x) => h('input', {type: 'checkbox', id: `att-${d.id}-${x.id}`,
      'data-participant': x.id, checked: present.has(`${d.id}:${x.id}`)}));
    const err = h('p', {class: 'field-error', role: 'alert'});
    const future = d.day > today();
    if (future) boxes.forEach((b) => { b.disabled = true; });
    return h('details', {class: 'contact-day', 'data-testid': `day-${d.id}`, 'data-future': future ? 'true' : 'false'},
      h('summary', {}, `${date(d.day)} · ${d.online ? t('prog.online') : d.place} · ${t(`aud.${d.audience}`)}`,
        h('span', {class: 'muted small'}, ` (${d.period.name || ''})`)),
      d.agenda ? h('p', {class: 'muted'}, d.agenda) : null,
      future ? h('p', {class: 'muted', 'data-testid': 'day-future'}, t('coh.day.future', {day: date(d.day)})) : null,
      cd.participants.length ? h('fieldset', {class: 'attendance'}, h('legend', {}, t('coh.attendance')),
        cd.participants.map((x, i) => h('label', {for: boxes[i].id}, boxes[i], `${x.name} (${x.municipality}, ${x.title})`)))
        : h('p', {class: 'muted'}, t('coh.noparticipants')),
      err,
      h('div', {class: 'actions'},
        cd.participants.length && !future ? h('button', {type: 'button', class: 'primary', 'data-action': 'save-attendance', onclick: async () => {
          err.textContent = '';
          try {
            await put(`/api/contact-days/${d.id}/attendance`, {attendance: boxes.map((b) => ({
              participant_id: Number(b.dataset.participant), present: b.checked}))});
            dayFlash = t('coh.attendance.saved', {day: date(d.day)});
            announce(dayFlash);
            app.focusHeading = false;
            rerender(); // the dashboard's days held
          } catch (e) { err.textContent = errText(e); }
        }}, t('coh.attendance.save')) : null,
        h('button', {type: 'button', class: 'danger', 'data-action': 'delete-day', onclick: async () => {
          if (!window.confirm(t('coh.day.delete.confirm', {day: date(d.day)}))) return;
          try { await del(`/api/contact-days/${d.id}`); announce(t('coh.day.deleted')); rerender(); }
          catch (e) { err.textContent = errText(e); }
        }}, t('coh.day.delete'))));
  };
  // Adding a day: the server checks it against its period and audience.
  const errs = {};
  const field = (k, input) => {
    errs[k] = h('p', {class: 'field-error', role: 'alert', id: `nd-${k}-err`});
    input.setAttribute('aria-describedby', `nd-${k}-err`);
    return h('div', {class: 'field'}, h('label', {for: input.id}, t(`coh.day.${k}`)), input, errs[k]);
  };
  const period = h('select', {id: 'nd-period'}, cd.periods.map((p) => h('option', {value: p.id}, `${p.name || ''} ${date(p.starts)} – ${date(p.ends)}`)));
  const day = h('input', {id: 'nd-day', type: 'date'});
  const place = h('input', {id: 'nd-place', type: 'text'});
  const audience = h('select', {id: 'nd-audience'}, ['both', 'civil_service', 'political'].map((a) => h('option', {value: a}, t(`aud.${a}`))));
  const formErr = h('p', {class: 'field-error', role: 'alert'});
  const form = h('form', {class: 'new-day', 'data-testid': 'new-day', onsubmit: async (ev) => {
    ev.preventDefault();
    Object.values(errs).forEach((e) => { e.textContent = ''; });
    formErr.textContent = '';
    try {
      await post(`/api/programmes/${pid}/contact-days`, {period_id: Number(period.value), day: day.value || null,
        place: place.value.trim() || null, online: /^online$/i.test(place.value.trim()), audience: audience.value});
      announce(t('coh.day.added'));
      rerender();
    } catch (e) {
      const key = fieldKey(e.field);
      (key && errs[key] ? errs[key] : formErr).textContent = errText(e);
    }
  }},
  h('h3', {}, t('coh.day.add')),
  h('div', {class: 'ref-grid'}, field('period', period), field('day', day), field('place', place), field('audience', audience)),
  formErr, h('button', {type: 'submit', class: 'primary'}, t('coh.day.add')));
  return h('section', {class: 'panel', 'data-testid': 'contact-days'},
    h('h2', {}, t('coh.days', {n: days.length})), days.map(dayBlock), status, form);
}

function peerGroups(pid, groups, members, rerender) {
  const err = h('p', {class: 'field-error', role: 'alert'});
  const form = (basis) => async () => {
    err.textContent = '';
    // Forming again replaces the groups, also those edited by hand: ask first.
    if (groups.length && !window.confirm(t('coh.groups.replace.confirm', {n: groups.length}))) return;
    try { await post(`/api/programmes/${pid}/peer-groups`, {basis, size: 4}); announce(t('coh.groups.formed')); rerender(); }
    catch (e) { err.textContent = errText(e); }
  };
  return h('section', {class: 'panel', 'data-testid': 'peer-groups'},
    h('h2', {}, t('coh.groups')),
    h('p', {class: 'muted'}, t('coh.groups.help')),
    h('div', {class: 'actions'},
      h('button', {type: 'button', 'data-action': 'form-similarity', onclick: form('similarity')}, t('coh.groups.similarity')),
      h('button', {type: 'button', 'data-action': 'form-problem', onclick: form('problem')}, t('coh.groups.problem'))),
    err,
    groups.length ? h('ul', {class: 'groups'}, groups.map((g) => h('li', {'data-group': g.id},
      h('a', {href: `#/peer-groups/${g.id}`}, t('cmp.title', {name: groupLabel(g.name)})),
      h('span', {class: 'muted small'}, ` · ${t(`coh.basis.${g.basis}`)}`), ': ',
      g.members.map((m) => m.name).join(', ')))) : h('p', {}, t('coh.groups.none')),
    members.length ? groupEditor(pid, groups, members, rerender) : null);
}

/** Peer groups by hand: the groups' names, and each accepted municipality's group. */
function groupEditor(pid, groups, members, rerender) {
  const names = groups.map((g) => g.name);
  const of = new Map();
  groups.forEach((g, i) => g.members.forEach((m) => of.set(m.municipality, i)));
  const err = h('p', {class: 'field-error', role: 'alert', id: 'ge-err'});
  const namesBox = h('div', {class: 'ref-grid'});
  const table = h('tbody');
  const nameInputs = [];
  const selects = [];
  function draw() {
    const chosen = selects.map((s) => s.value);
    namesBox.replaceChildren(...names.map((n, i) => {
      const input = h('input', {id: `ge-name-${i}`, type: 'text', value: n, oninput: (ev) => { names[i] = ev.target.value; }});
      nameInputs[i] = input;
      return h('div', {class: 'field'}, h('label', {for: input.id}, t('coh.groups.name', {n: i + 1})), input);
    }));
    nameInputs.length = names.length;
    table.replaceChildren(...members.map((m, k) => {
      const cur = chosen[k] !== undefined ? chosen[k] : of.has(m.municipality) ? String(of.get(m.municipality)) : '';
      const sel = h('select', {id: `ge-m-${m.municipality}`, 'data-municipality': m.municipality},
        h('option', {value: '', selected: cur === ''}, t('coh.groups.nogroup')),
        names.map((n, i) => h('option', {value: String(i), selected: cur === String(i)}, t('coh.groups.option', {n: i + 1}))));
      selects[k] = sel;
      return h('tr', {}, h('th', {scope: 'row'}, h('label', {for: sel.id}, m.name, ' ', h('span', {class: 'muted'}, m.municipality))), h('td', {}, sel));
    }));
  }
  draw();
  const save = async () => {
    err.textContent = '';
    const body = {groups: names.map((n, i) => ({name: (nameInputs[i] ? nameInputs[i].value : n).trim() || t('coh.groups.option', {n: i + 1}),
      members: members.filter((m, k) => selects[k].value === String(i)).map((m) => m.municipality)}))
      .filter((g) => g.members.length)};
    try {
      await put(`/api/programmes/${pid}/peer-groups`, body);
      announce(t('coh.groups.saved'));
      rerender();
    } catch (e) { err.textContent = errText(e); }
  };
  return h('details', {class: 'group-editor', 'data-testid': 'group-editor'},
    h('summary', {}, t('coh.groups.edit')),
    h('p', {class: 'help'}, t('coh.groups.edit.help')),
    namesBox,
    h('p', {class: 'actions'}, h('button', {type: 'button', class: 'small', 'data-action': 'add-group', onclick: () => {
      names.push(t('coh.groups.option', {n: names.length + 1}));
      draw();
      nameInputs[names.length - 1].focus();
    }}, t('coh.groups.add'))),
    h('div', {class: 'table-wrap'}, h('table', {class: 'data compact'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('coh.muni')), h('th', {scope: 'col'}, t('coh.groups.group')))), table)),
    err,
    h('button', {type: 'button', class: 'primary', 'data-action': 'save-groups', onclick: save}, t('coh.groups.save')));
}

/** Own funding: the organiser marks each municipality's share invoiced and paid. */
function fundingPanel(d, rerender) {
  const status = h('p', {class: 'status', role: 'status'});
  return h('section', {class: 'panel', 'data-testid': 'funding'},
    h('h2', {}, t('coh.funding.title')),
    h('p', {class: 'help'}, t('coh.funding.help')),
    d.rows.length ? h('div', {class: 'funding-rows'}, d.rows.map((r) => {
      const id = r.application_id;
      const errs = {invoiced_at: h('p', {class: 'field-error', role: 'alert', id: `fu-inv-${id}-err`}),
        paid_at: h('p', {class: 'field-error', role: 'alert', id: `fu-paid-${id}-err`})};
      const inv = h('input', {id: `fu-inv-${id}`, type: 'date', value: r.own_funding.invoiced_at || '', 'aria-describedby': `fu-inv-${id}-err`});
      const paid = h('input', {id: `fu-paid-${id}`, type: 'date', value: r.own_funding.paid_at || '', 'aria-describedby': `fu-paid-${id}-err`});
      const formErr = h('p', {class: 'field-error', role: 'alert'});
      return h('form', {class: 'funding-row', 'data-municipality': r.municipality, onsubmit: async (ev) => {
        ev.preventDefault();
        Object.values(errs).forEach((e) => { e.textContent = ''; });
        formErr.textContent = '';
        [inv, paid].forEach((i) => i.removeAttribute('aria-invalid'));
        try {
          await put(`/api/applications/${id}/funding`, {invoiced_at: inv.value || null, paid_at: paid.value || null});
          announce(t('coh.funding.saved', {name: r.name}));
          rerender();
        } catch (e) {
          const slot = errs[e.field];
          (slot || formErr).textContent = errText(e);
          if (slot) { const i = e.field === 'paid_at' ? paid : inv; i.setAttribute('aria-invalid', 'true'); i.focus(); }
        }
      }},
      h('h3', {}, r.name, ' ', h('span', {class: 'muted'}, r.municipality)),
      h('div', {class: 'ref-grid'},
        h('div', {class: 'field'}, h('label', {for: inv.id}, t('coh.funding.invoiced')), inv, errs.invoiced_at),
        h('div', {class: 'field'}, h('label', {for: paid.id}, t('coh.funding.paid')), paid, errs.paid_at)),
      formErr,
      h('button', {type: 'submit', class: 'small'}, t('coh.funding.save')));
    })) : h('p', {class: 'muted'}, t('coh.noparticipants')),
    status);
}

export async function viewCohort(ctx, r) {
  return guarded(ctx, () => cohortPage(ctx, r));
}

async function cohortPage(ctx, r) {
  if (!isOrganiser()) throw new ApiError(403, null);
  const [p, d, cd, groups] = await Promise.all([get(`/api/programmes/${r.id}`), get(`/api/programmes/${r.id}/dashboard`),
    get(`/api/programmes/${r.id}/contact-days`), get(`/api/programmes/${r.id}/peer-groups`)]);
  if (!ctx.live()) return;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`], [t('coh.title'), location.hash]]);
  const tot = d.totals;
  const lang = getLang();
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, `${t('coh.title')}: ${p.name}`),
      h('p', {class: 'lead', 'data-testid': 'cohort-lead'}, t('coh.lead', {n: tot.participants, targets: tot.council_targets,
        fresh: tot.targets_since_start, done: tot.commitments_done, open: tot.commitments_open}))),
    h('section', {class: 'panel'},
      h('h2', {}, t('coh.dash')),
      dashboardTable(d),
      h('p', {class: 'actions'},
        h('a', {class: 'button', href: `/api/programmes/${p.id}/report?format=html&lang=${lang}`, target: '_blank', rel: 'noopener', 'data-testid': 'report-html'}, t('coh.report.html')), ' ',
        h('a', {class: 'button', href: `/api/programmes/${p.id}/report?format=xlsx&lang=${lang}`, download: '', 'data-testid': 'report-xlsx'}, t('coh.report.xlsx')))),
    fundingPanel(d, () => app.rerender()),
    contactDays(p.id, cd, () => app.rerender()),
    peerGroups(p.id, groups, d.rows.map((x) => ({municipality: x.municipality, name: x.name})), () => app.rerender()));
}

/* ------------------------------------------------------------ the sparring log */

export async function viewSparring(ctx, r) {
  return guarded(ctx, () => sparringPage(ctx, r));
}

async function sparringPage(ctx, r) {
  const [p, a, log] = await Promise.all([get(`/api/programmes/${r.id}`), get(`/api/applications/${r.app}`),
    get(`/api/applications/${r.app}/sparring`)]);
  if (!ctx.live()) return;
  const name = a.facts && a.facts.name ? a.facts.name : a.municipality;
  app.crumbs([[t('prog.title'), '#/programmes'], [p.name, `#/programmes/${p.id}`], [t('spar.title', {name}), location.hash]]);
  const status = h('p', {class: 'status', role: 'status'});
  const entry = (e) => {
    const err = h('p', {class: 'field-error', role: 'alert'});
    const done = e.kind === 'commitment' ? h('input', {type: 'checkbox', id: `done-${e.id}`, checked: e.done, onchange: async (ev) => {
      try {
        await put(`/api/sparring/${e.id}`, {done: ev.target.checked});
        announce(ev.target.checked ? t('spar.marked.done') : t('spar.marked.open'));
        app.rerender(); // the open count in the heading
      }
      catch (x) { err.textContent = errText(x); ev.target.checked = !ev.target.checked; }
    }}) : null;
    return h('li', {class: `spar spar-${e.kind}`, 'data-entry': e.id},
      h('p', {class: 'spar-head'}, h('span', {class: 'tag'}, t(`spar.kind.${e.kind}`)),
        e.kind === 'commitment' ? h('span', {class: 'muted small'}, ` ${t('spar.owner')}: ${e.owner || '–'} · ${t('spar.due')}: ${e.due ? date(e.due) : '–'}`) : null),
      h('p', {}, e.body),
      h('div', {class: 'actions'},
        done ? h('label', {for: done.id}, done, t('spar.done')) : null,
        h('button', {type: 'button', class: 'small danger', 'data-action': 'delete-entry', onclick: async () => {
          if (!window.confirm(t('spar.delete.confirm'))) return;
          try { await del(`/api/sparring/${e.id}`); announce(t('spar.deleted')); app.rerender(); } catch (x) { err.textContent = errText(x); }
        }}, t('spar.delete'))),
      err);
  };
  const groups = ['commitment', 'next_step', 'note'].map((k) => {
    const items = log.filter((e) => e.kind === k);
    const open = k === 'commitment' ? items.filter((e) => !e.done).length : null;
    return h('section', {class: 'panel', 'data-kind': k},
      h('h2', {}, t(`spar.group.${k}`), open !== null ? h('span', {class: 'muted small'}, ` · ${t('spar.open', {n: open, all: items.length})}`) : null),
      items.length ? h('ul', {class: 'spar-list'}, items.map(entry)) : h('p', {class: 'muted'}, t('spar.empty')));
  });
  // A new entry: a commitment needs its owner and due date (the server says which is missing).
  const errs = {};
  const fld = (k, input) => {
    errs[k] = h('p', {class: 'field-error', role: 'alert', id: `ns-${k}-err`});
    input.setAttribute('aria-describedby', `ns-${k}-err`);
    return h('div', {class: 'field'}, h('label', {for: input.id}, t(`spar.${k}`)), input, errs[k]);
  };
  const kind = h('select', {id: 'ns-kind'}, ['note', 'commitment', 'next_step'].map((k) => h('option', {value: k}, t(`spar.kind.${k}`))));
  const body = h('textarea', {id: 'ns-body', rows: 3});
  const owner = h('input', {id: 'ns-owner', type: 'text'});
  const due = h('input', {id: 'ns-due', type: 'date'});
  const formErr = h('p', {class: 'field-error', role: 'alert'});
  const form = h('form', {class: 'panel', 'data-testid': 'new-entry', onsubmit: async (ev) => {
    ev.preventDefault();
    Object.values(errs).forEach((e) => { e.textContent = ''; });
    formErr.textContent = '';
    try {
      await post(`/api/applications/${r.app}/sparring`, {kind: kind.value, body: body.value.trim() || null,
        owner: owner.value.trim() || null, due: due.value || null});
      announce(t('spar.added'));
      app.rerender();
    } catch (e) { ((e.field && errs[e.field]) || formErr).textContent = errText(e); }
  }},
  h('h2', {}, t('spar.add')),
  h('div', {class: 'ref-grid'}, fld('kind', kind), fld('owner', owner), fld('due', due)), fld('body', body), formErr,
  h('button', {type: 'submit', class: 'primary'}, t('spar.add')));
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, t('spar.title', {name})),
      h('p', {class: 'lead', 'data-testid': 'sparring-problem'}, t('spar.problem'), ' ',
        h('strong', {}, a.sparring_problem || t('spar.problem.none'))),
      h('p', {class: 'muted small'}, t('spar.visibility'))),
    h('div', {'data-testid': 'sparring-log'}, groups), form, status);
}

/* ------------------------------------------------------------ a peer group */

export async function viewComparison(ctx, r) {
  return guarded(ctx, () => comparisonPage(ctx, r));
}

async function comparisonPage(ctx, r) {
  const c = await get(`/api/peer-groups/${r.id}/comparison`);
  if (!ctx.live()) return;
  const title = t('cmp.title', {name: groupLabel(c.group.name)});
  app.crumbs([[t('prog.title'), '#/programmes'], [title, location.hash]]);
  // Like with like, in code order: SYKE asks for no league tables.
  const members = [...c.members].sort((x, y) => x.municipality.localeCompare(y.municipality));
  const plans = members.flatMap((m) => (m.published_plans.length ? m.published_plans : [null]).map((p) => ({m, p})));
  ctx.show(
    h('section', {class: 'head'}, h('h1', {}, title),
      h('p', {class: 'lead'}, t('cmp.lead'))),
    h('section', {class: 'panel'}, h('div', {class: 'table-wrap'}, h('table', {class: 'data', 'data-testid': 'comparison'},
      h('thead', {}, h('tr', {}, ['coh.muni', 'cmp.size', 'cmp.ets', 'cmp.plan', 'cmp.target', 'cmp.gap', 'cmp.easy', 'cmp.classes']
        .map((k, i) => h('th', {scope: 'col', class: i === 2 || i >= 5 && i <= 6 ? 'num' : null}, t(k))))),
      h('tbody', {}, plans.map(({m, p}) => h('tr', {'data-municipality': m.municipality},
        h('th', {scope: 'row'}, m.name, ' ', h('span', {class: 'muted'}, m.municipality)),
        h('td', {}, t(`size.${m.size_class}`)),
        h('td', {class: 'num'}, pct(m.ets_share, 0)),
        p ? [h('td', {}, h('a', {href: `#/public/plans/${p.id}`}, p.name || '–')),
          h('td', {}, t('cmp.target.v', {r: pct(-p.reduction, 0), base: p.base_year, year: p.target_year, scope: t(`scope.${p.scope}`)})),
          h('td', {class: 'num'}, tonnes(p.gap)),
          h('td', {class: 'num'}, p.easy_share === null || p.easy_share === undefined ? '–' : pct(p.easy_share, 0)),
          h('td', {}, t('cmp.classes.v', {e: p.classes.easy, m: p.classes.moderate, h: p.classes.hard}))]
          : h('td', {colspan: 5, class: 'muted'}, t('cmp.noplan')))))))));
}
