// CSV injection (issue 13, section 5) in the browser's downloads: the
// charts' CSV (web/assets/charts.js csvCell/csvText) neutralises a text cell
// that a spreadsheet would read as a formula, as the server's ilm_csv_cell
// does (the same cases as test_csv_cell.c), and keeps numbers as numbers.
// Run with node; no browser needed.
// SPDX-License-Identifier: AGPL-3.0-or-later
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const {csvCell, csvText} = await import(path.join(here, '..', '..', 'web', 'assets', 'charts.js'));

let failed = 0;
let passed = 0;
function expect(got, want, what) {
  if (got === want) {
    passed++;
  } else {
    failed++;
    console.log(`not ok - ${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

const cases = [
  // [input, separator, expected]
  ["=cmd|' /C calc'!A0", ',', `"'=cmd|' /C calc'!A0"`],
  ['+SUM(A1:A9)', ',', `"'+SUM(A1:A9)"`],
  ["-2+3+cmd|' /C calc'!A0", ',', `"'-2+3+cmd|' /C calc'!A0"`],
  ['@SUM(1)', ',', `"'@SUM(1)"`],
  ['\t=1+1', ',', `"'\t=1+1"`],
  ['\r=1+1', ',', `"'\r=1+1"`],
  ['=HYPERLINK("http://x","y")', ',', `"'=HYPERLINK(""http://x"",""y"")"`],
  ['-', ',', `"'-"`],
  ['--1', ',', `"'--1"`],
  ['-1e', ',', `"'-1e"`],
  ['+', ';', `"'+"`],
  ['-inf', ',', `"'-inf"`],
  ['-0x1A', ',', `"'-0x1A"`],
  ['-12.5', ',', '-12.5'],
  ['-116045.62417842788', ',', '-116045.62417842788'],
  ['+5', ',', '+5'],
  ['-1e-3', ',', '-1e-3'],
  ['-.5', ',', '-.5'],
  ['2030', ',', '2030'],
  ['Kaukolämpö', ',', 'Kaukolämpö'],
  ['a=b', ',', 'a=b'],
  [' =1', ',', ' =1'],
  ['a,b', ',', '"a,b"'],
  ['a;b', ';', '"a;b"'],
  ['say "hi"', ',', '"say ""hi"""'],
  ['two\nlines', ',', '"two\nlines"'],
  ['', ',', ''],
  [null, ',', ''],
];
for (const [input, sep, want] of cases) expect(csvCell(input, sep), want, `csvCell(${JSON.stringify(input)})`);

// Numbers from the charts' raw rows are numbers, negative ones too.
expect(csvCell(-116045.6), '-116045.6', 'a negative number');
expect(csvCell(0), '0', 'zero');
// A whole download: the BOM, ; between cells, CRLF between rows.
expect(csvText([['Toimenpide', 'EUR/t'], ['=cmd|x', -17.9], ['heat', 55.9]]),
  '\ufeffToimenpide;EUR/t\r\n"\'=cmd|x";-17,9\r\nheat;55,9', 'csvText');

console.log(`# test_csv_cells: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
