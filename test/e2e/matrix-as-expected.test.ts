// `sc-repro matrix` on real pcscd + vpcd + the virtual card: every scenario as
// expected, and the observed values are the ones measured on pcsc-lite 1.9.9.
// The table below is written out here, not read from the catalog, so a wrong
// catalog entry cannot make its own test pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli } from '../support/cli.js';

await useStack({ before, after });

const SV = 'SCARD_E_SHARING_VIOLATION';
const OK = 'SCARD_S_SUCCESS';
const MEASURED_ON_PCSC_LITE: Record<string, string> = {
  'share-exclusive-exclusive': SV,
  'el-capitan-scardconnect': SV,
  'share-exclusive-direct': SV,
  'share-shared-exclusive': SV,
  'yosemite-shared-connect': OK,
  'share-shared-direct': OK,
  'share-direct-exclusive': SV,
  'share-direct-shared': OK,
  'share-direct-direct': OK,
  'exclusive-connect-during-transaction': 'blocked',
  'el-capitan-scardtransmit': 'SCARD_W_RESET_CARD',
};

test('matrix --json: every scenario as expected, with the measured pcsc-lite answers, exit 0', async () => {
  const result = await runCli(['matrix', '--json', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.kind, 'matrix');
  assert.equal(report.exitCode, 0);
  const observed = Object.fromEntries(report.rows.map((row: { scenario: { id: string }; observed: string }) => [row.scenario.id, row.observed]));
  assert.deepEqual(observed, MEASURED_ON_PCSC_LITE);
  for (const row of report.rows) {
    assert.equal(row.verdict, 'not-affected', `${row.scenario.id}: ${row.reason}`);
    assert.equal(row.knownBug, null);
  }
  assert.equal(report.reader, VIRTUAL_READER);
  assert.equal(await readerIsFree(), true);
});

test('a blocked exclusive connect during a transaction succeeds once the holder lets go', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--scenario', 'exclusive-connect-during-transaction', '--blocked-after', '0.5']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.observed.blocked, true);
  assert.ok(report.observed.afterMs >= 500, `declared blocked after ${report.observed.afterMs} ms`);
  assert.equal(report.observed.thenReturned.name, OK);
  assert.ok(report.observed.thenReturned.afterMs >= report.observed.afterMs);
  assert.ok(report.evidence.readerStateWhileHeld.includes('INUSE'));
});

test('matrix as text: one row per scenario, a verdict column, the total last', async () => {
  const result = await runCli(['matrix', '--reader', VIRTUAL_READER, '--only', 'el-capitan-scardconnect,share-direct-direct']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Scenario +Expected +Observed +Verdict +Known bug$/);
  assert.match(lines[1]!, /^el-capitan-scardconnect +SCARD_E_SHARING_VIOLATION +SCARD_E_SHARING_VIOLATION +✔ as expected$/);
  assert.match(lines[2]!, /^share-direct-direct +SCARD_S_SUCCESS +SCARD_S_SUCCESS +✔ as expected$/);
  assert.equal(lines.length, 7, result.stdout);
  assert.match(lines.at(-1)!, /^Total +\d+\.\d\d s/);
});

test('scenarios lists the catalog with what this platform expects and the bugs caught', async () => {
  const result = await runCli(['scenarios', '--json']);
  assert.equal(result.code, 0);
  const listing = JSON.parse(result.stdout);
  assert.equal(listing.platform, 'linux-pcsclite');
  assert.deepEqual(
    Object.fromEntries(listing.scenarios.map((s: { id: string; expectedHere: string }) => [s.id, s.expectedHere])),
    MEASURED_ON_PCSC_LITE,
  );
  const text = await runCli(['scenarios']);
  assert.match(text.stdout, /^yosemite-shared-connect {2}Shared connect while another process holds a shared connection\n {2}expected on linux-pcsclite: SCARD_S_SUCCESS\n {2}catches: Apple 21703315 \(blocked\)/m);
});
