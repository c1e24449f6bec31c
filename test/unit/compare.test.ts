// `sc-repro compare` on small hand-made reports: which reports share a
// column, how a disagreement shows, what is not run, which files are refused
// and why, the exit codes, and text that fits the terminal's width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compareReports, differingRows, type Comparison } from '../../src/comparison/compare.js';
import { readReport, type ComparableReport } from '../../src/comparison/reports.js';
import { roleEnvironment, shellWords } from '../../src/comparison/role-environment.js';
import { loadComparison, outputWidth } from '../../src/commands/compare.js';
import { displayWidth, renderCompareText } from '../../src/render/compare-text.js';
import { renderCompareMarkdown } from '../../src/render/compare-markdown.js';
import { renderJson } from '../../src/render/json.js';
import { JSON_SCHEMA } from '../../src/render/json-schema.js';
import { shellQuote } from '../../src/orchestrator/report.js';
import { ScReproError } from '../../src/core/errors.js';

const DEBIAN = `{
  "os": "Debian GNU/Linux", "osVersion": "12 (bookworm), kernel 6.1.0", "osBuild": "#1 SMP", "platform": "linux", "arch": "x64",
  "node": "v20.20.2", "scRepro": "0.1.0",
  "binding": { "name": "pcsclite", "version": "1.0.1", "library": "libpcsclite.so.1", "layout": "pcsclite",
               "roles": { "holder": "pcsclite", "contender": "pcsclite" } },
  "pcscService": "pcsc-lite version 1.9.9.\\nEnabled features: Linux", "pcscClient": "libpcsclite1 1.9.9-2",
  "debugLog": "…", "unavailable": {}
}`;
const FEDORA = DEBIAN.replace('"Debian GNU/Linux"', '"Fedora Linux"').replace('"12 (bookworm), kernel 6.1.0"', '"40, kernel 6.8.5"');

const AS_EXPECTED = `"verdict": "not-affected", "reason": "the stack answered SCARD_E_SHARING_VIOLATION, as expected",
  "expected": { "name": "SCARD_E_SHARING_VIOLATION", "hex": "0x8010000B", "message": "Sharing violation." },
  "observed": "SCARD_E_SHARING_VIOLATION", "knownBug": null, "connectLatencyMs": 1, "runMs": 9, "notes": [],
  "precondition": { "evidence": "observer" }`;
const EL_CAPITAN_BUG = `"verdict": "bug-reproduced", "reason": "the stack answered SCARD_E_PROTO_MISMATCH: Apple bug 23646838",
  "expected": { "name": "SCARD_E_SHARING_VIOLATION", "hex": "0x8010000B", "message": "Sharing violation." },
  "observed": "SCARD_E_PROTO_MISMATCH",
  "knownBug": { "id": "apple-23646838", "title": "SCardConnect() returns SCARD_E_PROTO_MISMATCH", "vendor": "Apple", "vendorBug": "23646838",
                "affects": "OS X 10.11 El Capitan", "reference": "https://blog.apdu.fr/" },
  "connectLatencyMs": 1, "runMs": 9, "notes": [], "precondition": { "evidence": "observer" }`;
const NEEDS_REMOVAL = `"verdict": "inconclusive", "reason": "needs card removal: no terminal to ask the person at the reader",
  "expected": { "name": "SCARD_W_REMOVED_CARD", "hex": "0x80100069", "message": "The smart card has been removed." },
  "observed": null, "knownBug": null, "connectLatencyMs": null, "runMs": 3, "notes": [], "precondition": { "evidence": null }`;

const row = (id: string, body: string, digest?: string) =>
  `{ "scenario": { "id": "${id}", "title": "${id}"${digest ? `, "digest": "${digest}"` : ''} }, ${body} }`;

function matrix(environment: string, rows: string[], commandLine = 'sc-repro matrix --virtual --json', extra = ''): string {
  return `{ "schemaVersion": 2, "command": "matrix", "ok": false, "exitCode": 1, "rows": [${rows.join(',')}], "notRun": [],
    "stoppedEarly": null, "reader": "Virtual PCD 00 00", "driver": null, "startupMs": 80, "totalMs": 900,
    "environment": ${environment}, "commandLine": ${JSON.stringify(commandLine)}${extra} }`;
}

function read(file: string, text: string): ComparableReport {
  const result = readReport(file, text, [2]);
  assert.equal(result.kind, 'report', JSON.stringify(result));
  return (result as { report: ComparableReport }).report;
}

const compare = (...reports: [string, string][]) => compareReports(reports.map(([file, text]) => read(file, text)));
const cellText = (comparison: Comparison, id: string) => {
  const found = comparison.rows.find((r) => r.scenario.id === id);
  assert.ok(found, `no row ${id}`);
  return found.cells.map((cell) =>
    cell.notRun
      ? 'not run'
      : cell.outcomes.map((o) => `${o.mark} ${o.observed ?? '-'} ${o.knownBug ?? '-'} ${o.runs}/${cell.runs}`).join(' + '),
  );
};

test('reports of the same stack merge into one column; another stack is another column', () => {
  const comparison = compare(
    ['a.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED)])],
    ['b.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED)])],
    ['c.json', matrix(FEDORA, [row('el-capitan-scardconnect', AS_EXPECTED)])],
  );
  assert.deepEqual(
    comparison.columns.map((column) => [column.id, column.files]),
    [
      [1, ['a.json', 'b.json']],
      [2, ['c.json']],
    ],
  );
  assert.match(
    comparison.columns[1]!.label,
    /^Fedora Linux 40, kernel 6\.8\.5 \(x64\); pcsc-lite version 1\.9\.9; libpcsclite1 1\.9\.9-2; pcsclite/,
  );
  assert.deepEqual(cellText(comparison, 'el-capitan-scardconnect'), [
    'as-expected SCARD_E_SHARING_VIOLATION - 2/2',
    'as-expected SCARD_E_SHARING_VIOLATION - 1/1',
  ]);
  assert.equal(comparison.rows[0]!.differs, false);
  assert.equal(comparison.exitCode, 0);
});

test('runs of one stack that disagree show the tally, and the row is a difference', () => {
  const comparison = compare(
    ['a.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED)])],
    ['b.json', matrix(DEBIAN, [row('el-capitan-scardconnect', EL_CAPITAN_BUG)])],
    ['c.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED)])],
  );
  assert.equal(comparison.columns.length, 1);
  assert.deepEqual(cellText(comparison, 'el-capitan-scardconnect'), [
    'known-bug SCARD_E_PROTO_MISMATCH apple-23646838 1/3 + as-expected SCARD_E_SHARING_VIOLATION - 2/3',
  ]);
  assert.equal(comparison.rows[0]!.differs, true);
  assert.equal(comparison.exitCode, 1);
  const text = renderCompareText(comparison, { width: 80, differences: false, totalRows: 1 });
  assert.match(text, /✖ apple-23646838 SCARD_E_PROTO_MISMATCH 1\/3/);
  assert.match(text, /✔ SCARD_E_SHARING_VIOLATION 2\/3/);
  assert.match(renderCompareMarkdown(comparison, { differences: false, totalRows: 1 }), /1\/3<br>✔ `SCARD_E_SHARING_VIOLATION` 2\/3 \|/);
});

test('a --repeat tally inside one report counts its runs', () => {
  const repeated = AS_EXPECTED.replace('"verdict": "not-affected"', '"verdict": "bug-reproduced"').replace(
    '"observed": "SCARD_E_SHARING_VIOLATION", "knownBug": null',
    `"observed": "SCARD_E_PROTO_MISMATCH", "knownBug": { "id": "apple-23646838", "title": "t", "vendor": "Apple", "vendorBug": "23646838",
       "affects": "El Capitan", "reference": "r" },
     "repeat": { "count": 20, "verdicts": { "bug-reproduced": 3, "not-affected": 17 },
                 "outcomes": { "SCARD_E_PROTO_MISMATCH": 3, "SCARD_E_SHARING_VIOLATION": 17 },
                 "connectLatencyMs": null, "runMs": null, "shownRun": 4 }`,
  );
  const comparison = compare(['a.json', matrix(DEBIAN, [row('el-capitan-scardconnect', repeated)])]);
  assert.deepEqual(cellText(comparison, 'el-capitan-scardconnect'), [
    'known-bug SCARD_E_PROTO_MISMATCH apple-23646838 3/20 + as-expected SCARD_E_SHARING_VIOLATION - 17/20',
  ]);
});

test('a scenario only some reports have is "not run" in the others; --differences compares only the columns that ran it', () => {
  const comparison = compare(
    ['debian.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED), row('share-shared-shared', AS_EXPECTED)])],
    ['fedora.json', matrix(FEDORA, [row('el-capitan-scardconnect', EL_CAPITAN_BUG)])],
  );
  assert.deepEqual(
    comparison.rows.map((r) => r.scenario.id),
    ['el-capitan-scardconnect', 'share-shared-shared'],
  );
  assert.deepEqual(cellText(comparison, 'share-shared-shared'), ['as-expected SCARD_E_SHARING_VIOLATION - 1/1', 'not run']);
  assert.deepEqual(
    differingRows(comparison).rows.map((r) => r.scenario.id),
    ['el-capitan-scardconnect'],
  );
  const text = renderCompareText(comparison, { width: 80, differences: false, totalRows: 2 });
  assert.match(text, /share-shared-shared +✔ SCARD_E_SHARING_VIOLATION +- not run/);
});

test('a scenario whose definition differs between reports is never one row, and a note says so', () => {
  const comparison = compare(
    ['old.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED, 'sha256:0000000000000001')])],
    ['new.json', matrix(FEDORA, [row('el-capitan-scardconnect', AS_EXPECTED, 'sha256:0000000000000002')])],
    ['same.json', matrix(FEDORA, [row('share-shared-shared', AS_EXPECTED, 'sha256:0000000000000003')])],
  );
  assert.deepEqual(
    comparison.rows.map((r) => [r.scenario.id, r.scenario.digest, r.definitionDiffers]),
    [
      ['el-capitan-scardconnect', 'sha256:0000000000000001', true],
      ['el-capitan-scardconnect', 'sha256:0000000000000002', true],
      ['share-shared-shared', 'sha256:0000000000000003', false],
    ],
  );
  assert.deepEqual(cellText(comparison, 'el-capitan-scardconnect'), ['as-expected SCARD_E_SHARING_VIOLATION - 1/1', 'not run']);
  assert.deepEqual(comparison.notes, [
    'el-capitan-scardconnect: its definition differs between reports, so each definition has a row of its own: sha256:0000000000000001 in old.json; sha256:0000000000000002 in new.json',
  ]);
  const text = renderCompareText(comparison, { width: 120, differences: false, totalRows: 3 });
  assert.match(text, /el-capitan-scardconnect \(definition sha256:0000000000000002\)/);
});

test('an interposer given to a role makes another column: the stack that answered is not the same', () => {
  const comparison = compare(
    ['native.json', matrix(DEBIAN, [row('el-capitan-scardconnect', AS_EXPECTED)])],
    [
      'elcap.json',
      matrix(
        DEBIAN,
        [row('el-capitan-scardconnect', EL_CAPITAN_BUG)],
        "sc-repro matrix --contender-env 'LD_PRELOAD=/tmp/a b/el-capitan.so' --json",
      ),
    ],
  );
  assert.equal(comparison.columns.length, 2);
  assert.deepEqual(comparison.columns[1]!.stack.roleEnvironment, ['contender LD_PRELOAD=/tmp/a b/el-capitan.so']);
  assert.match(comparison.columns[1]!.label, /; contender LD_PRELOAD=\/tmp\/a b\/el-capitan\.so$/);
  assert.deepEqual(cellText(comparison, 'el-capitan-scardconnect'), [
    'as-expected SCARD_E_SHARING_VIOLATION - 1/1',
    'known-bug SCARD_E_PROTO_MISMATCH apple-23646838 1/1',
  ]);
});

test('role environments are read back from the command line, as shellQuote wrote it for either shell', () => {
  const hostile = ["LD_PRELOAD=/it's here/x.so", 'K=line\nbreak', 'K=tab\there', 'K=‘smart’ “quotes” $x `y`', 'K=@a,b', 'K=\u001b[31m'];
  for (const shell of ['posix', 'powershell'] as const) {
    const args = [
      'sc-repro',
      'matrix',
      ...hostile.flatMap((value) => ['--holder-env', value]),
      '--contender-env=A=1',
      '--',
      '--holder-env',
      'X=2',
    ];
    const line = shellQuote(args, shell);
    assert.deepEqual(shellWords(line, shell), args, `${shell}: ${line}`);
    assert.deepEqual(roleEnvironment(line, shell), [...hostile.map((value) => `holder ${value}`), 'contender A=1'], shell);
  }
});

test('a file that is not a usable report says why in one line', () => {
  const why = (text: string) => {
    const result = readReport('x.json', text, [2]);
    assert.equal(result.kind, 'unusable', text);
    return (result as { why: string }).why;
  };
  assert.match(why('not json at all'), /^not JSON \(/);
  assert.equal(why(''), 'not JSON (the file is empty)');
  assert.equal(why('{"name": "package.json"}'), 'not an sc-repro report (no schemaVersion and command)');
  assert.equal(why('[1, 2]'), 'not an sc-repro report (no schemaVersion and command)');
  assert.match(
    why(matrix(DEBIAN, []).replace('"schemaVersion": 2', '"schemaVersion": 3')),
    /^schemaVersion 3 is not one this sc-repro reads \(2\)/,
  );
  assert.equal(
    why('{"schemaVersion": 2, "command": "readers", "ok": true, "exitCode": 0, "readers": []}'),
    "sc-repro's `readers` output, not a matrix or repro report",
  );
  assert.equal(
    why(matrix(DEBIAN, [row('x', AS_EXPECTED.replace('not-affected', 'fine'))])),
    'not a usable matrix report: row 1 has a verdict sc-repro does not know ("fine")',
  );
  assert.equal(why(matrix('{"os": "Linux", "platform": "linux"}', [])), 'not a usable matrix report: its environment has no osVersion');
  for (const text of ['not json', '{}', matrix(DEBIAN, [])])
    for (const line of [why(text.replace('matrix', 'repro'))]) assert.doesNotMatch(line, /\n/);
});

test("sc-repro's error output of a run that produced no report is a note, not a column; with nothing else, exit 2", () => {
  const error = '{"schemaVersion": 2, "command": "matrix", "ok": false, "exitCode": 2, "message": "no smart-card reader found"}';
  const result = readReport('mac.json', error, [2]);
  assert.deepEqual(result, { kind: 'no-report', file: 'mac.json', message: 'no smart-card reader found' });
  const nothing = compareReports([], [{ file: 'mac.json', message: 'no smart-card reader found' }]);
  assert.deepEqual(nothing.columns, []);
  assert.deepEqual(nothing.notes, ['mac.json: no report to compare, the run ended with an error: no smart-card reader found']);
  assert.equal(nothing.exitCode, 2);
});

test('a repro report is a column too, its observation named as a matrix row names it', () => {
  const repro = `{ "schemaVersion": 2, "command": "repro", "ok": true, "exitCode": 0, "verdict": "not-affected", "reason": "as expected",
    "scenario": { "id": "direct-connect-protocol-undefined", "title": "t", "summary": "s" },
    "expected": { "name": "SCARD_S_SUCCESS", "hex": "0x00000000", "message": "ok", "protocol": "undefined" },
    "observed": { "ok": true, "call": "SCardConnect", "protocol": "undefined" }, "knownBug": null,
    "environment": ${DEBIAN}, "commandLine": "sc-repro repro --virtual" }`;
  const comparison = compare(
    ['repro.json', repro],
    [
      'matrix.json',
      matrix(DEBIAN, [
        row(
          'direct-connect-protocol-undefined',
          AS_EXPECTED.replace(/"observed": "[A-Z_]+"/, '"observed": "SCARD_S_SUCCESS (protocol undefined)"'),
        ),
      ]),
    ],
  );
  assert.equal(comparison.columns.length, 1);
  assert.deepEqual(cellText(comparison, 'direct-connect-protocol-undefined'), ['as-expected SCARD_S_SUCCESS (protocol undefined) - 2/2']);
});

test('exit codes: 0 every cell as expected, 1 any deviation, 2 nothing compared or a cell not judged', () => {
  assert.equal(compare(['a.json', matrix(DEBIAN, [row('a', AS_EXPECTED), row('b', AS_EXPECTED)])]).exitCode, 0);
  assert.equal(compare(['a.json', matrix(DEBIAN, [row('a', AS_EXPECTED), row('b', EL_CAPITAN_BUG)])]).exitCode, 1);
  assert.equal(compare(['a.json', matrix(DEBIAN, [row('a', AS_EXPECTED), row('b', NEEDS_REMOVAL)])]).exitCode, 2);
  // A deviation outweighs an unjudged cell, as in a matrix.
  assert.equal(compare(['a.json', matrix(DEBIAN, [row('a', NEEDS_REMOVAL), row('b', EL_CAPITAN_BUG)])]).exitCode, 1);
  assert.equal(
    compare(['a.json', matrix(DEBIAN, [row('a', AS_EXPECTED), row('b', AS_EXPECTED)])], ['b.json', matrix(FEDORA, [row('a', AS_EXPECTED)])])
      .exitCode,
    2,
  );
  assert.equal(compare(['a.json', matrix(DEBIAN, [])]).exitCode, 2);
  assert.equal(compareReports([]).exitCode, 2);
  // --differences shows fewer rows, not another result.
  const partly = compare(
    ['a.json', matrix(DEBIAN, [row('a', AS_EXPECTED)])],
    ['b.json', matrix(FEDORA, [row('a', AS_EXPECTED), row('b', NEEDS_REMOVAL)])],
  );
  assert.deepEqual(differingRows(partly).rows, []);
  assert.equal(differingRows(partly).exitCode, 2);
});

test('a folder of releases is read in release order: 1.8.8 before 1.8.16', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-compare-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, '1.8.16.json'), matrix(FEDORA, [row('a', AS_EXPECTED)]));
  writeFileSync(join(dir, '1.8.8.json'), matrix(DEBIAN, [row('a', AS_EXPECTED)]));
  const comparison = await loadComparison([dir]);
  assert.deepEqual(
    comparison.columns.map((column) => column.files),
    [[join(dir, '1.8.8.json')], [join(dir, '1.8.16.json')]],
  );
});

test('files and folders: a folder is every *.json in it; a bad file or a missing path is exit 64 naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-compare-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fleet = join(dir, 'fleet');
  mkdirSync(fleet);
  mkdirSync(join(fleet, 'nested.json'));
  writeFileSync(join(fleet, 'b-fedora.json'), matrix(FEDORA, [row('a', EL_CAPITAN_BUG)]));
  writeFileSync(join(fleet, 'a-debian.json'), matrix(DEBIAN, [row('a', AS_EXPECTED)]));
  writeFileSync(join(fleet, 'notes.txt'), 'not a report');
  mkdirSync(join(dir, 'empty'));
  const comparison = await loadComparison([fleet, join(dir, 'empty')]);
  assert.deepEqual(
    comparison.columns.map((column) => column.files),
    [[join(fleet, 'a-debian.json')], [join(fleet, 'b-fedora.json')]],
  );
  assert.deepEqual(comparison.notes, [`${join(dir, 'empty')}: no *.json file in this folder`]);
  assert.equal(comparison.exitCode, 1);

  const refused = async (paths: string[], message: string) => {
    const error = await loadComparison(paths).then(
      () => assert.fail('accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ScReproError, String(error));
    assert.equal(error.exitCode, 64);
    assert.equal(error.message, message);
  };
  const future = join(dir, 'future.json');
  writeFileSync(future, matrix(DEBIAN, []).replace('"schemaVersion": 2', '"schemaVersion": 7'));
  await refused([fleet, future], `${future}: schemaVersion 7 is not one this sc-repro reads (2); a newer sc-repro may compare it`);
  const text = join(dir, 'report.json');
  writeFileSync(text, 'Scenario  Expected  Observed');
  await refused([text], `${text}: not JSON (Unexpected token 'S', "Scenario  "... is not valid JSON)`);
  await refused([join(dir, 'missing.json')], `${join(dir, 'missing.json')}: no such file or folder`);
});

/** `count` stacks, each with long labels, every mark and a tally among the cells. */
function wideComparison(count: number): Comparison {
  const reports: [string, string][] = [];
  for (let n = 0; n < count; n++) {
    const environment = DEBIAN.replace('"Debian GNU/Linux"', `"Debian GNU/Linux with a very long distribution name number ${n}"`);
    const rows = [
      row('direct-reconnect-keeps-protocol-undefined', n % 2 ? EL_CAPITAN_BUG : AS_EXPECTED),
      row('transmit-after-card-reinserted', NEEDS_REMOVAL),
      row('el-capitan-scardconnect', AS_EXPECTED),
    ];
    const commandLine = `sc-repro matrix --contender-env LD_PRELOAD=/opt/interposers/number-${n}/el-capitan-proto-mismatch.so`;
    reports.push([`/a/long/path/to/the/fleet/reports/stack-number-${n}-matrix-report.json`, matrix(environment, rows, commandLine)]);
    // A second run of the same stack, which disagrees on one row.
    reports.push([
      `/a/long/path/to/the/fleet/reports/stack-number-${n}-again.json`,
      matrix(environment, [row('el-capitan-scardconnect', EL_CAPITAN_BUG)], commandLine),
    ]);
  }
  return compare(...reports);
}

test('text fits the width: no line is wider, for 1, 3 and 8 columns at 80 and 120', () => {
  for (const count of [1, 3, 8]) {
    const comparison = wideComparison(count);
    assert.equal(comparison.columns.length, count);
    assert.ok(comparison.rows.find((r) => r.scenario.id === 'el-capitan-scardconnect')!.cells.every((cell) => cell.outcomes.length === 2));
    for (const width of [80, 120]) {
      const text = renderCompareText(comparison, { width, differences: false, totalRows: comparison.rows.length });
      const lines = text.split('\n');
      const over = lines.filter((line) => displayWidth(line) > width);
      assert.deepEqual(over, [], `${count} columns at ${width}`);
      // Everything is still there: each stack's tag (in the table and the legend), the bugs' ids, the tallies, the reasons.
      const tags = text.startsWith('Scenario') ? 2 : 1 + comparison.rows.length;
      for (let n = 1; n <= count; n++) assert.equal(text.split(`[${n}]`).length - 1, tags, `[${n}] at ${width}`);
      const times = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
      assert.equal(times(/apple-23646838/g), count + Math.floor(count / 2), `bug ids at ${width}`);
      assert.equal(times(/ 1\/2/g), 2 * count, `tallies at ${width}`);
      assert.equal(times(/inconclusive:/g), count, `reasons at ${width}`);
    }
  }
  // One column fits a grid at 80; eight do not, and are stacked.
  assert.match(renderCompareText(wideComparison(1), { width: 80, differences: false, totalRows: 3 }), /^Scenario +\[1\]\n/);
  assert.match(
    renderCompareText(wideComparison(8), { width: 80, differences: false, totalRows: 3 }),
    /^direct-reconnect-keeps-protocol-undefined\n {2}\[1\] ✔/,
  );
});

test('text from a report cannot drive the terminal or forge a line', () => {
  const hostile = DEBIAN.replace('"Debian GNU/Linux"', '"Evil\\u001b[2J\\nOS"');
  const comparison = compare(['a.json', matrix(hostile, [row('x\\u202ey', AS_EXPECTED)])]);
  const text = renderCompareText(comparison, { width: 80, differences: false, totalRows: 1 });
  assert.doesNotMatch(text, /[\u001b\u202e]/);
  assert.match(text, /Evil\\u001b\[2J\\u000aOS/);
});

test('the width: the terminal, else COLUMNS, else 80', () => {
  assert.equal(outputWidth({ isTTY: true, columns: 132 }, { COLUMNS: '50' }), 132);
  assert.equal(outputWidth({ isTTY: false }, { COLUMNS: '50' }), 50);
  assert.equal(outputWidth({ isTTY: false }, { COLUMNS: 'wide' }), 80);
  assert.equal(outputWidth({}, {}), 80);
});

test('compare --json is what `sc-repro schema` describes', () => {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON_SCHEMA);
  const comparison = wideComparison(3);
  const json = JSON.parse(
    renderJson('compare', comparison.exitCode, { differencesOnly: false, rowsCompared: comparison.rows.length, ...comparison }),
  );
  assert.equal(validate(json), true, JSON.stringify(validate.errors));
  assert.equal(
    validate({ ...json, rows: [{ ...json.rows[0], cells: [{ ...json.rows[0].cells[0], outcomes: [{ mark: 'fine' }] }] }] }),
    false,
  );
  assert.equal(validate({ ...json, extra: 1 }), false);
});
