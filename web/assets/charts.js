// Charts: the sector and class colours every chart shares, Chart.js set-up,
// a chart block with its table alternative and downloads (CSV, PNG/SVG),
// and the marginal abatement cost chart (SVG: bars of varying width).
// SPDX-License-Identifier: AGPL-3.0-or-later
import {h, svg, download} from './dom.js';
import {t, locale, num, getLang} from './i18n.js';

// Heating warm, transport blue, electricity yellow, agriculture green, ...
export const SECTOR_COLORS = {
  electricity: '#E6B400',
  electric_heating: '#F28E2B',
  district_heating: '#D55E00',
  oil_heating: '#8C3D10',
  other_heating: '#E8A27C',
  industry: '#6E6E6E',
  machinery: '#A6761D',
  road_transport: '#0072B2',
  rail_transport: '#56B4E9',
  water_transport: '#1B3F73',
  agriculture: '#009E73',
  waste: '#7B4F9E',
  f_gases: '#CC79A7',
};
export function sectorColor(key) { return SECTOR_COLORS[key] || '#999999'; }

// Okabe-Ito based, safe for the common colour-vision deficiencies; every
// use also has a label and a pattern (none, stripes, cross-hatch).
export const CLASS_COLORS = {easy: '#009E73', moderate: '#E69F00', hard: '#7A3E9D'};
export const CLASSES = ['easy', 'moderate', 'hard'];

export const LINE = {
  history: '#222222', baseline: '#7A7A7A', scenario: '#0062A3', target: '#B3261E',
  band: 'rgba(0, 98, 163, 0.16)',
};

/** A diagonal hatch of `color` (a CanvasPattern) for EU-ETS streams. */
export function hatch(color) {
  const c = document.createElement('canvas');
  c.width = 8; c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 8, 8);
  g.globalAlpha = 0.35;
  g.fillStyle = color;
  g.fillRect(0, 0, 8, 8);
  g.globalAlpha = 1;
  g.strokeStyle = color;
  g.lineWidth = 2.5;
  g.beginPath();
  g.moveTo(0, 8); g.lineTo(8, 0);
  g.moveTo(-2, 2); g.lineTo(2, -2);
  g.moveTo(6, 10); g.lineTo(10, 6);
  g.stroke();
  return g.createPattern(c, 'repeat');
}

const live = new Set();

/** Destroys every chart (before a view is replaced). */
export function destroyCharts() {
  for (const c of live) c.destroy();
  live.clear();
}

export function chartAvailable() { return typeof window.Chart === 'function'; }

/** A Chart.js chart on `canvas`, registered for destroyCharts. */
export function makeChart(canvas, config) {
  const Chart = window.Chart;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1f2328';
  config.options = config.options || {};
  config.options.locale = locale();
  config.options.responsive = true;
  config.options.maintainAspectRatio = false;
  const chart = new Chart(canvas, config);
  live.add(chart);
  return chart;
}

/** Tick labels as numbers of the language. */
export const numTicks = (digits = 0) => ({callback: (v) => num(v, digits)});

// A plain decimal number: a spreadsheet reads it as a number, never as a formula.
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One CSV cell, by the rule of the server's ilm_csv_cell (src/io/csv_write.c):
 * quoted when it holds a comma, a semicolon, the separator, a quote or a
 * line break; a text that a spreadsheet would read as a formula (it begins
 * with =, +, -, @, a tab or a CR and is not a plain number) gets a single
 * quote before it and is quoted, as OWASP recommends against CSV injection.
 * Numbers stay numbers.
 */
export function csvCell(v, sep = ';') {
  if (v === null || v === undefined) return '';
  const s = String(v);
  const risky = typeof v !== 'number' && /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s);
  const quote = risky || /[",;\n\r]/.test(s) || s.includes(sep);
  const body = (risky ? "'" : '') + s.replace(/"/g, '""');
  return quote ? '"' + body + '"' : body;
}

/**
 * A number cell at the precision the tables show, by the rule of the
 * server's CSV (src/report/export.c csv_number): a whole number as it is,
 * below 100 one decimal, else whole; no trailing zeros; `comma` for the
 * decimal comma.
 */
export function csvNumber(v, comma) {
  const d = Number.isInteger(v) || Math.abs(v) >= 100 ? 0 : 1;
  let r = Math.round(v * 10 ** d) / 10 ** d;
  if (r === 0) r = 0; // no "-0"
  const s = r.toFixed(d).replace(/\.0$/, '');
  return comma ? s.replace('.', ',') : s;
}

/**
 * The text of a chart's CSV download in one convention per language, as
 * the server's CSV exports: fi and sv ';' with a decimal comma, en ',' with
 * a decimal point. A BOM, then the rows, CRLF between.
 */
export function csvText(rows, lang = 'fi') {
  const sep = lang === 'en' ? ',' : ';';
  const cell = (c) => (typeof c === 'number' && Number.isFinite(c) ? csvNumber(c, sep === ';') : csvCell(c, sep));
  return '\ufeff' + rows.map((r) => r.map(cell).join(sep)).join('\r\n');
}

/**
 * A chart with its table alternative and downloads:
 *   {id, title, caption, canvas: true | svgNode, height, table: {head: [...], rows: [[...]],
 *    raw: [[...]] (numbers for CSV)}, file}
 * Returns {el, canvas}.
 */
export function chartBlock(o) {
  const canvas = o.svg ? null : h('canvas', {role: 'img', 'aria-label': o.title});
  const box = h('div', {class: 'chart-box' + (o.tall ? ' tall' : '') + (o.auto ? ' auto' : '')},
    canvas || o.svg);
  const table = h('table', {class: 'data'},
    o.caption ? h('caption', {}, o.caption) : null,
    h('thead', {}, h('tr', {}, o.table.head.map((c, i) => h('th', {scope: 'col', class: i ? 'num' : null}, c)))),
    h('tbody', {}, o.table.rows.map((r) => h('tr', {}, r.map((c, i) =>
      i ? h('td', {class: 'num'}, c) : h('th', {scope: 'row'}, c))))));
  const csv = () => {
    const rows = [o.table.head, ...(o.table.raw || o.table.rows)];
    download((o.file || 'ilmava') + '.csv', csvText(rows, getLang()), 'text/csv;charset=utf-8');
  };
  const image = () => {
    if (canvas) {
      canvas.toBlob((b) => b && download((o.file || 'ilmava') + '.png', b));
    } else {
      const text = new XMLSerializer().serializeToString(o.svg);
      download((o.file || 'ilmava') + '.svg', text, 'image/svg+xml');
    }
  };
  const el = h('figure', {class: 'chart', id: o.id || null, 'data-testid': o.id ? 'chart-' + o.id : null},
    h('figcaption', {}, h('h3', {}, o.title), o.caption ? h('p', {class: 'muted'}, o.caption) : null),
    box,
    h('div', {class: 'chart-tools no-print'},
      h('button', {type: 'button', class: 'link', onclick: csv}, t('chart.csv')),
      h('button', {type: 'button', class: 'link', onclick: image}, canvas ? t('chart.png') : t('chart.svg'))),
    h('details', {class: 'table-alt'}, h('summary', {}, t('chart.table')), h('div', {class: 'scroll'}, table)));
  return {el, canvas};
}

/**
 * The marginal abatement cost chart: one bar per measure, width = attributed
 * tonnes, height = EUR per tonne, colour and pattern = class. `needed` draws
 * the cut needed as a vertical line. Returns an <svg>.
 */
export function macChart(items, needed, labels) {
  const W = 900, H = 380, L = 78, R = 16, T = 18, B = 64;
  const total = items.reduce((s, m) => s + Math.max(0, m.attributed), 0);
  const xmax = Math.max(total, needed || 0, 1) * 1.02;
  const ys = items.map((m) => m.cost_per_t);
  let ymax = Math.max(0, ...ys), ymin = Math.min(0, ...ys);
  if (ymax === ymin) ymax = 1;
  const raw = (ymax - ymin) / 5, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw);
  ymax = Math.ceil((ymax + raw * 0.3) / step) * step;
  ymin = Math.floor(ymin / step) * step;
  const x = (v) => L + (v / xmax) * (W - L - R);
  const y = (v) => T + ((ymax - v) / (ymax - ymin)) * (H - T - B);
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': labels.title,
    class: 'mac', xmlns: 'http://www.w3.org/2000/svg', 'font-family': 'system-ui, sans-serif',
    'font-size': 13, preserveAspectRatio: 'xMidYMid meet'});
  const defs = svg('defs', {},
    svg('pattern', {id: 'p-moderate', width: 8, height: 8, patternUnits: 'userSpaceOnUse',
      patternTransform: 'rotate(45)'},
      svg('rect', {width: 8, height: 8, fill: CLASS_COLORS.moderate}),
      svg('line', {x1: 0, y1: 0, x2: 0, y2: 8, stroke: '#ffffff', 'stroke-width': 3})),
    svg('pattern', {id: 'p-hard', width: 8, height: 8, patternUnits: 'userSpaceOnUse'},
      svg('rect', {width: 8, height: 8, fill: CLASS_COLORS.hard}),
      svg('path', {d: 'M0 0L8 8M8 0L0 8', stroke: '#ffffff', 'stroke-width': 1.5})));
  root.append(defs);
  const fill = (c) => (c === 'easy' ? CLASS_COLORS.easy : `url(#p-${c})`);
  // grid and axes
  for (let v = ymin; v <= ymax + step / 2; v += step) {
    root.append(svg('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e3e3e3'}),
      svg('text', {x: L - 6, y: y(v) + 4, 'text-anchor': 'end', fill: '#333'}, num(Math.abs(v) < step / 2 ? 0 : v, 0)));
  }
  for (let i = 0; i <= 4; i++) {
    const v = (xmax * i) / 4;
    root.append(svg('text', {x: x(v), y: H - B + 18, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle',
      fill: '#333'}, num(v, 0)));
  }
  root.append(svg('line', {x1: L, x2: W - R, y1: y(0), y2: y(0), stroke: '#555'}));
  root.append(svg('text', {x: (L + W - R) / 2, y: H - 12, 'text-anchor': 'middle', fill: '#222'}, labels.x));
  root.append(svg('text', {x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', fill: '#222',
    transform: `rotate(-90 14 ${(T + H - B) / 2})`}, labels.y));
  let cum = 0;
  for (const m of items) {
    const w = Math.max(0, m.attributed);
    const x0 = x(cum), x1 = x(cum + w);
    const top = y(Math.max(0, m.cost_per_t)), bot = y(Math.min(0, m.cost_per_t));
    const title = svg('title', {}, `${m.label}: ${num(m.cost_per_t, 0)} €/t, ${num(w, 0)} t (${labels.cls[m.class]})`);
    root.append(svg('rect', {x: x0, y: top, width: Math.max(1, x1 - x0), height: Math.max(1, bot - top),
      fill: fill(m.class), stroke: '#222', 'stroke-width': 0.8}, title));
    if (x1 - x0 > 46) {
      const ty = m.cost_per_t >= 0 ? top - 5 : y(0) - 5;
      root.append(svg('text', {x: (x0 + x1) / 2, y: ty, 'text-anchor': 'middle', fill: '#111',
        'font-size': 11}, m.short.length < m.label.length ? m.short + '…' : m.short));
    }
    cum += w;
  }
  if (needed > 0) {
    root.append(svg('line', {x1: x(needed), x2: x(needed), y1: T, y2: H - B, stroke: LINE.target,
      'stroke-width': 2, 'stroke-dasharray': '6 4'}),
    svg('text', {x: x(needed) - 4, y: T + 12, 'text-anchor': 'end', fill: LINE.target}, labels.needed));
  }
  return root;
}

/** A small legend swatch for a class (colour + pattern + label). */
export function classSwatch(c) {
  const s = svg('svg', {width: 18, height: 14, viewBox: '0 0 18 14', 'aria-hidden': 'true', class: 'swatch'},
    svg('defs', {},
      svg('pattern', {id: 's-moderate', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
        patternTransform: 'rotate(45)'},
        svg('rect', {width: 6, height: 6, fill: CLASS_COLORS.moderate}),
        svg('line', {x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#fff', 'stroke-width': 2.5})),
      svg('pattern', {id: 's-hard', width: 6, height: 6, patternUnits: 'userSpaceOnUse'},
        svg('rect', {width: 6, height: 6, fill: CLASS_COLORS.hard}),
        svg('path', {d: 'M0 0L6 6M6 0L0 6', stroke: '#fff', 'stroke-width': 1.2}))),
    svg('rect', {x: 0.5, y: 0.5, width: 17, height: 13, stroke: '#222',
      fill: c === 'easy' ? CLASS_COLORS.easy : `url(#s-${c})`}));
  return s;
}
