import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';
import { RunTally, spread } from '../../src/orchestrator/summary.js';
import { buildMatrixReport, buildReport, type MatrixReport } from '../../src/orchestrator/report.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { renderReproText } from '../../src/render/repro-text.js';
import { renderReproMarkdown } from '../../src/render/repro-markdown.js';
import { matrixExit, type Verdict } from '../../src/core/exit-codes.js';
import { SCENARIOS } from '../../src/scenarios/catalog.js';
import { renderMatrixText } from '../../src/render/matrix-text.js';
import { renderMatrixMarkdown } from '../../src/render/matrix-markdown.js';
import { EL_CAPITAN_SCARDCONNECT } from '../../src/scenarios/known-bugs.js';

test('spread gives min, median and max; none for no values', () => {
  assert.deepEqual(spread([3, 1, 2]), { min: 1, median: 2, max: 3 });
  assert.deepEqual(spread([4, 1, 2, 3]), { min: 1, median: 2.5, max: 4 });
  assert.equal(spread([]), null);
});

test('repeated runs: one bug-reproduced outweighs any number of passes', () => {
  const verdictOf = (verdicts: Verdict[]) =>
    RunTally.of(verdicts.map((verdict) => ({ ...fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00'), verdict }))).verdict;
  assert.equal(verdictOf(['not-affected', 'not-affected', 'bug-reproduced']), 'bug-reproduced');
  assert.equal(verdictOf(['not-affected', 'inconclusive']), 'inconclusive');
  assert.equal(verdictOf(['not-affected', 'not-affected']), 'not-affected');
  assert.equal(verdictOf([]), 'inconclusive');
});

test('repeated runs: the report says which run its details come from, the first that gave the verdict', () => {
  const pass = fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00');
  const bug = fixtureRun('SCARD_E_PROTO_MISMATCH', 'Virtual PCD 00 00');
  const report = buildReport(elCapitanScardConnect, RunTally.of([pass, pass, bug, bug]), ENVIRONMENT, 'sc-repro repro -n 4');
  assert.deepEqual([report.verdict, report.repeat?.shownRun, report.repeat?.count], ['bug-reproduced', 3, 4]);
  assert.equal(report.observed && 'name' in report.observed ? report.observed.name : null, 'SCARD_E_PROTO_MISMATCH');
  assert.match(renderReproText(report), /^Timeline of run 3 of 4, the first that gave the verdict \(ms from its start\)$/m);
  assert.match(renderReproMarkdown(report), /^#### Timeline of run 3 of 4, the first that gave the verdict \(ms from its start\)$/m);
});

test('matrix exit code: deviation 1, else inconclusive 2, else 0; no-reference rows do not fail it', () => {
  assert.equal(matrixExit(['not-affected', 'no-reference']), 0);
  assert.equal(matrixExit(['not-affected', 'inconclusive']), 2);
  assert.equal(matrixExit(['inconclusive', 'unexpected']), 1);
  assert.equal(matrixExit(['bug-reproduced']), 1);
});

const HOSTILE = 'Evil | `Reader`\n00';
const report: MatrixReport = {
  exitCode: 1,
  catalog: { version: '0.1.0', digest: 'sha256:00000000000000ff', scenarios: 2 },
  rows: [
    {
      scenario: { id: 'el-capitan-scardconnect', title: 'Shared connect while held exclusively', digest: 'sha256:371b0eebd2dea691' },
      verdict: 'bug-reproduced',
      reason: 'SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838',
      expected: { name: 'SCARD_E_SHARING_VIOLATION', hex: '0x8010000B', message: 'Sharing violation.' },
      observed: 'SCARD_E_PROTO_MISMATCH',
      knownBug: EL_CAPITAN_SCARDCONNECT,
      connectLatencyMs: 1,
      runMs: 10,
      notes: [],
      precondition: { evidence: 'observer' },
    },
    {
      scenario: { id: 'share-direct-direct', title: 'Direct | connect', digest: 'sha256:0000000000000000' },
      verdict: 'not-affected',
      reason: 'as expected',
      expected: { name: 'SCARD_S_SUCCESS', hex: '0x00000000', message: 'Command successful.' },
      observed: 'SCARD_S_SUCCESS',
      knownBug: null,
      connectLatencyMs: 1,
      runMs: 10,
      notes: [],
      precondition: { evidence: 'observer' },
    },
  ],
  notRun: [],
  stoppedEarly: null,
  reader: HOSTILE,
  driver: null,
  startupMs: 200,
  totalMs: 1234,
  environment: { ...ENVIRONMENT, binding: null, pcscService: null, unavailable: { pcscService: 'the PC/SC service did not answer' } },
  commandLine: 'sc-repro matrix',
};

test('the matrix table: one row per scenario, the bug named, the total last', () => {
  const text = renderMatrixText(report);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^Scenario +Expected +Observed +Verdict +Known bug$/);
  assert.match(lines[1]!, /^el-capitan-scardconnect +SCARD_E_SHARING_VIOLATION +SCARD_E_PROTO_MISMATCH +✖ bug-reproduced +Apple 23646838$/);
  assert.match(lines[2]!, /^share-direct-direct +SCARD_S_SUCCESS +SCARD_S_SUCCESS +✔ as expected$/);
  assert.match(text, /^Total +1\.23 s \(process start-up 200 ms\)$/m);
  assert.match(text, /deviations found \(exit 1\)/);
  // The same sections as the markdown: steps to reproduce and the environment, after the table.
  assert.match(text, /^Steps to reproduce\n {2}sc-repro matrix\n/m);
  assert.match(text, /^Environment\n {2}OS +Debian GNU\/Linux 12/m);
  assert.match(text, /^ {2}PC\/SC service +unknown: the PC\/SC service did not answer$/m);
});

test('the matrix markdown keeps hostile names inside their cells', () => {
  const markdown = renderMatrixMarkdown(report);
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `'));
  assert.equal(rows.length, 2);
  for (const row of rows) assert.equal(row.replace(/\\\|/g, '').split('|').length, 7, row);
  // Values are code spans, never backslash-escaped; a line break in a name is an escape, not a new line.
  assert.match(markdown, /^Reader: ``Evil \| `Reader`\\u000a00``\. Total: 1\.23 s \(process start-up 200 ms\)\.$/m);
  assert.match(
    markdown,
    /^\| `el-capitan-scardconnect` Shared connect while held exclusively \| `SCARD_E_SHARING_VIOLATION` \| `SCARD_E_PROTO_MISMATCH` \| \*\*bug-reproduced\*\* \|/m,
  );
  assert.doesNotMatch(markdown, /\\_/);
});

test('an interrupted matrix reports the scenarios it ran and names the rest as not run', () => {
  const [first, second] = SCENARIOS;
  const plan = {
    results: [
      { scenario: first!, runs: RunTally.of([]) },
      { scenario: second!, runs: RunTally.of([]) },
    ],
    reader: null,
    startupMs: null,
    totalMs: 12,
    stoppedEarly: null,
    roleBindings: {},
  };
  const interrupted = buildMatrixReport(plan, report.environment, 'sc-repro matrix');
  assert.deepEqual(interrupted.rows, []);
  assert.deepEqual(interrupted.notRun, [first!.id, second!.id]);
  assert.match(renderMatrixText(interrupted), new RegExp(`Not run \\(interrupted\\) +${first!.id}, ${second!.id}`));
  assert.match(renderMatrixMarkdown(interrupted), /Not run \(interrupted\): `/);
});

test('a matrix that stopped early says why, and does not call the scenarios it left out interrupted', () => {
  const [first, second] = SCENARIOS;
  const runs = new RunTally();
  runs.add(fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00'));
  const why = 'stopped after 1 of 2 runs: the PC/SC service stopped';
  const plan = {
    results: [
      { scenario: first!, runs },
      { scenario: second!, runs: RunTally.of([]) },
    ],
    reader: 'Virtual PCD 00 00',
    startupMs: null,
    totalMs: 12,
    stoppedEarly: why,
    roleBindings: {},
  };
  const stopped = buildMatrixReport(plan, report.environment, 'sc-repro matrix');
  assert.deepEqual(stopped.notRun, [second!.id]);
  const text = renderMatrixText(stopped);
  assert.match(text, /^Stopped early +stopped after 1 of 2 runs: the PC\/SC service stopped$/m);
  assert.match(text, new RegExp(`^Not run +${second!.id}$`, 'm'));
  assert.doesNotMatch(text, /interrupted/);
  const markdown = renderMatrixMarkdown(stopped);
  assert.match(markdown, /Stopped early[^\n]*stopped after 1 of 2 runs: the PC\/SC service stopped/);
  assert.match(markdown, /Not run[^(\n]*`/);
  assert.doesNotMatch(markdown, /interrupted/);
});

test("a matrix from a plan's tallies: one row per scenario that ran, its tally and the run it shows; one that did not is named", () => {
  const [first, second] = SCENARIOS;
  const runs = new RunTally();
  for (const name of ['SCARD_E_SHARING_VIOLATION', 'SCARD_E_PROTO_MISMATCH', 'SCARD_E_SHARING_VIOLATION'])
    runs.add(fixtureRun(name, 'Virtual PCD 00 00'));
  const plan = {
    results: [
      { scenario: first!, runs },
      { scenario: second!, runs: new RunTally() },
    ],
    reader: 'Virtual PCD 00 00',
    startupMs: 100,
    totalMs: 900,
    stoppedEarly: null,
    roleBindings: {},
  };
  const matrix = buildMatrixReport(plan, report.environment, 'sc-repro matrix -n 3');
  assert.equal(matrix.rows.length, 1);
  const [row] = matrix.rows;
  assert.deepEqual(
    [row!.scenario.id, row!.verdict, row!.observed, row!.repeat?.count, row!.repeat?.shownRun],
    [first!.id, 'bug-reproduced', 'SCARD_E_PROTO_MISMATCH', 3, 2],
  );
  assert.deepEqual(row!.repeat?.outcomes, { SCARD_E_SHARING_VIOLATION: 2, SCARD_E_PROTO_MISMATCH: 1 });
  assert.deepEqual(matrix.notRun, [second!.id]);
  assert.match(renderMatrixText(matrix), /SCARD_E_SHARING_VIOLATION 2\/3, SCARD_E_PROTO_MISMATCH 1\/3 +✖ bug-reproduced 1\/3/);
});
