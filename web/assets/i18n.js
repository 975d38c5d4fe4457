// Languages: the message catalogues (i18n-fi.js, i18n-sv.js, i18n-en.js),
// number, percent, money and date formats per language, and sector names
// from GET /api/sectors.
// SPDX-License-Identifier: AGPL-3.0-or-later
import fi from './i18n-fi.js';
import sv from './i18n-sv.js';
import en from './i18n-en.js';

const catalogues = {fi, sv, en};
const locales = {fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB'};
export const LANGS = ['fi', 'sv', 'en'];

let lang = 'fi';
let sectors = [];
const formats = new Map();

function initialLang() {
  try {
    const saved = localStorage.getItem('ilmava.lang');
    if (saved && catalogues[saved]) return saved;
  } catch { /* storage may be off */ }
  return 'fi';
}
lang = initialLang();

export function getLang() { return lang; }
export function locale() { return locales[lang]; }

export function setLang(l) {
  if (!catalogues[l]) return;
  lang = l;
  try { localStorage.setItem('ilmava.lang', l); } catch { /* ignore */ }
  document.documentElement.lang = l;
}

/** The message `key` in the current language, with {name} filled from vars. */
export function t(key, vars) {
  let s = catalogues[lang][key];
  if (s === undefined) s = catalogues.fi[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

function fmt(opts) {
  const key = lang + JSON.stringify(opts);
  let f = formats.get(key);
  if (!f) { f = new Intl.NumberFormat(locales[lang], opts); formats.set(key, f); }
  return f;
}

const dash = '–';
/** A number with `digits` decimals ("12 345,6" in Finnish). */
export function num(v, digits = 0) {
  if (v === null || v === undefined || !Number.isFinite(v)) return dash;
  return fmt({minimumFractionDigits: digits, maximumFractionDigits: digits}).format(v);
}
/** Tonnes: whole tonnes, with one decimal below 100 t ("12 345 t"). */
export function tonnes(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return dash;
  return num(v, Math.abs(v) < 100 ? 1 : 0) + '\u00a0t';
}
/** A fraction as a percentage ("-34,2 %"); sign: true puts + on gains. */
export function pct(v, digits = 1, sign = false) {
  if (v === null || v === undefined || !Number.isFinite(v)) return dash;
  return fmt({style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits,
              signDisplay: sign ? 'exceptZero' : 'auto'}).format(v);
}
/**
 * A share or probability as a percentage, in the documents' rule too
 * (src/report/facts.c report_share): whole when that is what one decimal
 * shows, else one decimal, so 12.5 % never reads "13 %".
 */
export function share(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return dash;
  return pct(v, Math.round(v * 1000) % 10 === 0 ? 0 : 1);
}
/** Euros, whole ("1 234 567 €"). */
export function eur(v, digits = 0) {
  if (v === null || v === undefined || !Number.isFinite(v)) return dash;
  return fmt({style: 'currency', currency: 'EUR', minimumFractionDigits: digits,
              maximumFractionDigits: digits}).format(v);
}
/** A date or time stamp (ISO 8601) in the language's form ("1.3.2023"). */
export function date(iso) {
  if (!iso) return dash;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], {dateStyle: 'short'}).format(d);
}
/** A year, without a group separator. */
export const year = (y) => String(y);

export function setSectors(list) { sectors = list || []; }
export function sectorList() { return sectors; }
/** The sector's name in the current language; with ets, marked as EU-ETS. */
export function sectorName(key, ets) {
  const s = sectors.find((x) => x.key === key);
  const name = s ? (s['name_' + lang] || s.name_fi) : key;
  return ets ? `${name} (${t('ets.short')})` : name;
}
