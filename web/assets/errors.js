// The API's errors for a person: every message of a 4xx from the
// catalogues (err.<code>, with the code's params), never the server's
// English; and the one mapping from the API's field names to the forms'
// inputs. docs/API.md, "Errors", lists the codes and their params.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {t, num, pct, date} from './i18n.js';
import {ApiError} from './api.js';

/** Fields the user types in per cent: their fractions show as "140 %". */
const PERCENT_FIELDS = new Set(['share', 'share_range', 'reduction', 'reduction_pct', 'trend_sd',
  'max_region_share', 'max_size_share']);
/** Params that are the field's own value (so in % when the field is). */
const VALUE_PARAMS = new Set(['value', 'low', 'mode', 'high']);
/** A form may show one input for several API fields. */
const ALIASES = {share: 'value', absolute_t: 'value', share_range: 'range', absolute_range: 'range',
  reduction: 'reduction_pct'};

/** The input key of an API field: its last name, without the record's
 * path or indexes ("measures[3].full" → "full", "target.target_year" →
 * "target_year", "periods[0].days[1].day" → "day",
 * "measures[2].share_range[1]" → "share_range"). null for none. */
export function fieldKey(field) {
  if (!field) return null;
  const last = String(field).replace(/\[\d+\]$/, '').split('.').pop();
  return last.replace(/\[\d+\]$/, '') || null;
}

/** The first of key and its alias that `slots` has, or null. */
export function slotFor(field, slots) {
  const key = fieldKey(field);
  if (!key || !slots) return null;
  if (slots[key]) return key;
  return ALIASES[key] && slots[ALIASES[key]] ? ALIASES[key] : null;
}

/** Every message of an ApiError as {code, field, key, params}: the list
 * of a 4xx, or its one top-level error. */
export function errorList(e) {
  const top = (e && e.body && e.body.error) || null;
  if (!top) return [];
  const list = Array.isArray(top.errors) && top.errors.length ? top.errors : [top];
  return list.map((x) => ({code: x.code || null, field: x.field || null, key: fieldKey(x.field),
    params: x.params || {}}));
}

function isDay(v) { return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v); }

/** A param as the user typed it: a fraction of a % field in %, a year as
 * a year (no grouping), a day in the language's date form. */
function shown(v, percent) {
  if (typeof v === 'number') {
    if (percent) {
      const p = v * 100;
      return pct(v, Math.abs(p - Math.round(p)) < 1e-9 ? 0 : 1);
    }
    if (Number.isInteger(v) && Math.abs(v) < 10000) return String(v);
    return num(v, Number.isInteger(v) ? 0 : Math.min(3, (String(v).split('.')[1] || '').length));
  }
  if (isDay(v)) return date(v);
  return String(v);
}

/** One message in the current language, with its field's label in front
 * when `label` is set. */
export function messageText(m, label = false) {
  const key = m.code && m.code !== 'invalid' ? `err.${m.code}` : null;
  const raw = key ? t(key) : key;
  const percentField = PERCENT_FIELDS.has(m.key);
  let text;
  if (key && raw !== key) {
    const missing = (name) => m.params[name] === undefined || m.params[name] === null;
    // "(given {value})" goes when the server did not send the value.
    text = raw.replace(/\(([^()]*)\)/g, (all, inner) =>
      [...inner.matchAll(/\{(\w+)%?\}/g)].some((x) => missing(x[1])) ? '' : all);
    text = text.replace(/\{(\w+)(%?)\}/g, (all, name, forced) => {
      const v = m.params[name];
      if (v === undefined || v === null) return '';
      return shown(v, forced === '%' || (percentField && VALUE_PARAMS.has(name)));
    }).replace(/\s+([.,;:)])/g, '$1').replace(/\s{2,}/g, ' ').trim();
  } else {
    text = t('err.generic');
  }
  const lbl = m.key ? t(`field.${m.key}`) : null;
  return label && lbl && lbl !== `field.${m.key}` ? `${lbl}: ${text}` : text;
}

/** The whole of an error for a person, in one line: each message of a 4xx
 * (with its field's label when `label`), or the status's sentence. */
export function errorText(e, {label = true} = {}) {
  if (!(e instanceof ApiError)) return t('err.failed');
  if (e.fault) return t(e.fault);
  const list = errorList(e);
  if (e.status >= 400 && e.status < 500 && list.length && list.some((m) => m.code && m.code !== 'invalid'
      && !['forbidden', 'not_found', 'unauthorized'].includes(m.code)))
    return list.map((m) => messageText(m, label)).join(' ');
  if (e.status === 422 || e.status === 409) return list.length ? list.map((m) => messageText(m, label)).join(' ')
    : t('err.generic');
  if (e.status === 403) return t('err.forbidden');
  if (e.status === 404) return t('err.notfound');
  return t('err.failed');
}

/**
 * Puts each message of e beside its input: slots maps input keys to the
 * elements that hold their message, inputs (optional) to the inputs to
 * mark aria-invalid. Messages with no slot go to `rest` (an element), with
 * their field's label. Focuses the first marked input. Returns the text of
 * every message, for a live region.
 */
export function placeErrors(e, slots, rest, inputs = {}) {
  const list = e instanceof ApiError && e.status === 422 ? errorList(e) : [];
  if (!list.length) {
    const text = errorText(e);
    if (rest) rest.textContent = text;
    return text;
  }
  const texts = [], unplaced = [];
  let first = null;
  for (const m of list) {
    const slot = slotFor(m.field, slots);
    if (slot) {
      const text = messageText(m);
      const el = slots[slot];
      el.textContent = el.textContent ? `${el.textContent} ${text}` : text;
      texts.push(messageText(m, true));
      const input = inputs[slot] || inputs[`${slot}_lo`];
      if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
    } else {
      unplaced.push(messageText(m, true));
    }
  }
  if (rest && unplaced.length) rest.textContent = unplaced.join(' ');
  if (first) first.focus();
  return texts.concat(unplaced).join(' ');
}
