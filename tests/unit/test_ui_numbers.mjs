// The browser's numbers agree with the documents' (issue 13, section 4):
// chart CSV downloads use one convention per language (fi and sv ';' with a
// decimal comma, en ',' with a decimal point) at the precision shown, as
// the server's CSV exports (src/report/export.c csv_number); shares get one
// decimal where whole percents would mislead (i18n.js share, as
// src/report/facts.c report_share). Run with node; no browser needed.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.join(here, '..', '..', 'web', 'assets');
globalThis.document = {documentElement: {}};
const {csvText, csvNumber} = await import(path.join(assets, 'charts.js'));
const {share, setLang} = await import(path.join(assets, 'i18n.js'));

let failed = 0;
let passed = 0;
function expect(got, want, what) {
  if (got === want) passed++;
  else {
    failed++;
    console.log(`not ok - ${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

const rows = [['Vuosi', 'Päästöt (t)', 'Osuus'], [2024, 200752.51428571428, 12.345], [2025, -0.04, 99.96]];
expect(csvText(rows, 'fi'), '\ufeffVuosi;Päästöt (t);Osuus\r\n2024;200753;12,3\r\n2025;0;100', 'fi CSV');
expect(csvText(rows, 'sv'), '\ufeffVuosi;Päästöt (t);Osuus\r\n2024;200753;12,3\r\n2025;0;100', 'sv CSV');
expect(csvText(rows, 'en'), '\ufeffVuosi,Päästöt (t),Osuus\r\n2024,200753,12.3\r\n2025,0,100', 'en CSV');
expect(csvText([['a,b', '=1+1', -17.94]], 'en'), '\ufeff"a,b","\'=1+1",-17.9', 'en CSV quotes and neutralises');
expect(csvText([['a;b', 'x', 55.95]], 'fi'), '\ufeff"a;b";x;56', 'fi CSV quotes the separator');
expect(csvNumber(-116045.62417842788, true), '-116046', 'long tails rounded');
expect(csvNumber(2.0, false), '2', 'a whole number stays whole');

const nb = (s) => s.replace(/[\u00a0\u202f]/g, ' ');
setLang('fi');
expect(nb(share(0.125)), '12,5 %', 'fi share 12.5 %');
expect(nb(share(0.09)), '9 %', 'fi share 9 %');
expect(nb(share(0.077)), '7,7 %', 'fi share 7.7 %');
expect(nb(share(0.0904)), '9 %', 'fi share 9.04 % shows what one decimal shows');
setLang('en');
expect(share(0.125), '12.5%', 'en share');
setLang('sv');
expect(nb(share(0.625)), '62,5 %', 'sv share');

console.log(`# test_ui_numbers: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
