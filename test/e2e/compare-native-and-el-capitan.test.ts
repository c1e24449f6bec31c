// `compare` over real reports: the whole catalog on the built-in card, run
// natively twice and once with the El Capitan interposer in the contender.
// The interposer run is another column (the contender's LD_PRELOAD is part
// of the stack that answered), so `--differences` keeps exactly the El
// Capitan row, with the bug's id in the second column, and exits 1; two
// native runs share one column and differ nowhere: no row, exit 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStack } from '../support/pcsc-stack.js';
import { buildInterposer } from '../support/interposers.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { judgedMatrix } from '../support/judged-matrix.js';

await useStack({ before, after }, { card: false });

const dir = mkdtempSync(join(tmpdir(), 'sc-repro-compare-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `matrix --virtual --json` with `args`, written to `name` in the test's folder; its exit code must be `code`. */
async function matrixReport(name: string, args: string[], code: number): Promise<string> {
  const result = await judgedMatrix(() =>
    runCli(['matrix', '--virtual', '--json', '--blocked-after', '0.3', ...args], { timeoutMs: 120_000 }),
  );
  assert.equal(result.code, code, `${name}: ${result.stderr}`);
  jsonOutput(result.stdout);
  const file = join(dir, name);
  writeFileSync(file, result.stdout);
  return file;
}

let native: string;
let nativeAgain: string;
let elCapitan: string;

before(async () => {
  native = await matrixReport('native.json', [], 0);
  nativeAgain = await matrixReport('native-again.json', [], 0);
  const preload = await buildInterposer('el-capitan-proto-mismatch');
  elCapitan = await matrixReport('elcap.json', ['--contender-env', `LD_PRELOAD=${preload}`], 1);
});

test('native against El Capitan: --differences keeps exactly el-capitan-scardconnect, the bug in the second column, exit 1', async () => {
  const result = await runCli(['compare', native, elCapitan, '--differences', '--json']);
  assert.equal(result.code, 1, result.stderr);
  const comparison = jsonOutput(result.stdout);
  assert.equal(comparison.columns.length, 2);
  assert.deepEqual(comparison.columns[1].stack.roleEnvironment.length, 1);
  assert.match(comparison.columns[1].stack.roleEnvironment[0], /^contender LD_PRELOAD=.*el-capitan-proto-mismatch\.so$/);
  assert.deepEqual(
    comparison.rows.map((row: { scenario: { id: string } }) => row.scenario.id),
    ['el-capitan-scardconnect'],
    JSON.stringify(comparison.rows),
  );
  const [first, second] = comparison.rows[0].cells;
  assert.deepEqual(
    first.outcomes.map((o: { mark: string; observed: string }) => [o.mark, o.observed]),
    [['as-expected', 'SCARD_E_SHARING_VIOLATION']],
  );
  assert.deepEqual(
    second.outcomes.map((o: { mark: string; knownBug: string; observed: string }) => [o.mark, o.knownBug, o.observed]),
    [['known-bug', 'apple-23646838', 'SCARD_E_PROTO_MISMATCH']],
  );
  assert.ok(comparison.rowsCompared >= 20, `${comparison.rowsCompared} rows compared`);

  // The text says the same, one row, within 80 columns (stdout is no terminal here).
  const text = await runCli(['compare', native, elCapitan, '--differences'], { env: { COLUMNS: '' } });
  assert.equal(text.code, 1, text.stderr);
  const lines = text.stdout.split('\n');
  assert.ok(
    lines.every((line) => [...line].length <= 80),
    text.stdout,
  );
  const table = text.stdout.split('\n\nColumns')[0]!;
  assert.match(table, /^Scenario +\[1\] +\[2\]\nel-capitan-scardconnect +✔ SCARD_E_SHARING_VIOLATION +✖ apple-23646838/);
  assert.equal(table.split('\n').filter((line) => /^\S/.test(line)).length, 2, table);
});

test('two native runs share one column and differ nowhere: no row, exit 0', async () => {
  const result = await runCli(['compare', native, nativeAgain, '--differences', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const comparison = jsonOutput(result.stdout);
  assert.equal(comparison.columns.length, 1);
  assert.deepEqual(comparison.columns[0].files, [native, nativeAgain]);
  assert.deepEqual(comparison.rows, []);
  const text = await runCli(['compare', native, nativeAgain, '--differences']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^No row differs/);
});

test('the folder of all three (by name: elcap.json first): the El Capitan row differs between two columns, no tally anywhere', async () => {
  const result = await runCli(['compare', dir, '--markdown']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stdout,
    /\n\| `el-capitan-scardconnect` \| ✖ `apple-23646838` `SCARD_E_PROTO_MISMATCH` \| ✔ `SCARD_E_SHARING_VIOLATION` \|\n/,
  );
  assert.doesNotMatch(result.stdout, / \d+\/\d+/);
});

test('a file that is not a report: one line naming it, exit 64', async () => {
  const bad = join(dir, 'not-a-report.txt');
  writeFileSync(bad, 'Scenario  Expected');
  const result = await runCli(['compare', native, bad]);
  assert.equal(result.code, 64);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`^sc-repro: error: ${bad.replace(/[.]/g, '\\.')}: not JSON \\([^\\n]*\\)\\n$`));
});
