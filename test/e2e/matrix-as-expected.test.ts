// `sc-repro matrix --virtual` on real pcscd + vpcd: every scenario as
// expected, and the observed values are the ones measured on pcsc-lite 1.9.9.
// The table below is written out here, not read from the catalog, so a wrong
// catalog entry cannot make its own test pass. The built-in card is the one
// sc-repro takes out and puts back for the card scenarios.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerStatus, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { judgedMatrix } from '../support/judged-matrix.js';

await useStack({ before, after }, { card: false });

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
  'transaction-blocks-reconnect': 'blocked',
  'transaction-does-not-block-getattrib': SV,
  'transaction-blocks-transmit': 'blocked',
  'transaction-blocks-status': 'blocked',
  'transaction-blocks-shared-connect': 'blocked',
  'transaction-blocks-begin-transaction': 'blocked',
  'end-transaction-unpower-not-owner': SV,
  'owner-not-reset-by-foreign-unpower': OK,
  'end-transaction-extra-call': 'SCARD_E_NOT_TRANSACTED',
  'transaction-ends-while-other-waits': OK,
  'exclusive-connect-after-transaction': OK,
  'direct-connect-protocol-undefined': `${OK} (protocol undefined)`,
  'direct-reconnect-keeps-protocol-undefined': `${OK} (protocol undefined)`,
  'cancel-blocked-status-change': 'SCARD_E_CANCELLED',
  'el-capitan-scardtransmit': 'SCARD_W_RESET_CARD',
  'begin-transaction-after-unpower': 'SCARD_W_RESET_CARD',
  'begin-transaction-after-reset': 'SCARD_W_RESET_CARD',
  'status-after-reset': 'SCARD_W_RESET_CARD',
  'transmit-after-card-removed': 'SCARD_W_REMOVED_CARD',
  'transmit-after-card-reinserted': 'SCARD_W_REMOVED_CARD',
  'begin-transaction-after-card-reinserted': 'SCARD_W_REMOVED_CARD',
  'end-transaction-after-card-reinserted': 'SCARD_W_REMOVED_CARD',
};

for (const binding of ['pcsclite', 'ffi']) {
  test(`matrix --json --virtual --binding ${binding}: every scenario as expected, with the measured pcsc-lite answers, exit 0`, async (t) => {
    const { env, marker } = markedEnv();
    const result = await judgedMatrix(
      () => runCli(['--binding', binding, 'matrix', '--json', '--virtual', '--blocked-after', '0.3'], { env, timeoutMs: 60_000 }),
      (line) => t.diagnostic(line),
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.command, 'matrix');
    assert.deepEqual(report.environment.binding.roles, { holder: binding, contender: binding });
    assert.equal(report.exitCode, 0);
    const observed = Object.fromEntries(
      report.rows.map((row: { scenario: { id: string }; observed: string }) => [row.scenario.id, row.observed]),
    );
    assert.deepEqual(observed, MEASURED_ON_PCSC_LITE);
    for (const row of report.rows) {
      assert.equal(row.verdict, 'not-affected', `${row.scenario.id}: ${row.reason}`);
      assert.equal(row.knownBug, null);
    }
    assert.equal(report.reader, VIRTUAL_READER);
    // The built-in card went back in after each card scenario and out at the end; no role is left.
    assert.equal((await readerStatus(VIRTUAL_READER, (s) => !s.cardPresent, 2000)).cardPresent, false);
    assert.deepEqual(processesWithMarker(marker), []);
  });
}

test('a blocked exclusive connect during a transaction succeeds once the holder lets go', async () => {
  const result = await runCli([
    'repro',
    '--json',
    '--virtual',
    '--scenario',
    'exclusive-connect-during-transaction',
    '--blocked-after',
    '0.5',
  ]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.observed.blocked, true);
  assert.ok(report.observed.afterMs >= 500, `declared blocked after ${report.observed.afterMs} ms`);
  assert.equal(report.observed.thenReturned.name, OK);
  assert.ok(report.observed.thenReturned.afterMs >= report.observed.afterMs);
  assert.ok(report.evidence.readerStateWhileHeld.includes('INUSE'));
});

test('matrix as text: one row per scenario, a verdict column, the total, then the steps and the environment', async () => {
  const result = await runCli(['matrix', '--virtual', '--only', 'el-capitan-scardconnect,share-direct-direct']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Scenario +Expected +Observed +Verdict +Known bug$/);
  assert.match(lines[1]!, /^el-capitan-scardconnect +SCARD_E_SHARING_VIOLATION +SCARD_E_SHARING_VIOLATION +✔ as expected$/);
  assert.match(lines[2]!, /^share-direct-direct +SCARD_S_SUCCESS +SCARD_S_SUCCESS +✔ as expected$/);
  assert.equal(lines[3], '', result.stdout);
  assert.match(lines[6]!, /^Total +\d+\.\d\d s/);
  assert.deepEqual(lines.filter((line) => /^[A-Z]/.test(line)).slice(4), ['Steps to reproduce', 'Environment']);
});

test('scenarios lists the catalog with what this platform expects and the bugs caught', async () => {
  const result = await runCli(['scenarios', '--json']);
  assert.equal(result.code, 0);
  const listing = jsonOutput(result.stdout);
  assert.equal(listing.platform, 'linux-pcsclite');
  assert.deepEqual(
    Object.fromEntries(listing.scenarios.map((s: { id: string; expectedHere: string }) => [s.id, s.expectedHere])),
    MEASURED_ON_PCSC_LITE,
  );
  const calls = new Set(
    listing.scenarios.flatMap((s: { steps: Record<string, string[]> }) =>
      Object.values(s.steps)
        .flat()
        .flatMap((step) => step.match(/SCard\w+/g) ?? []),
    ),
  );
  for (const call of ['SCardBeginTransaction', 'SCardEndTransaction', 'SCardReconnect', 'SCardStatus', 'SCardTransmit', 'SCardCancel'])
    assert.ok(calls.has(call), `${call} among the steps`);
  const detail = await runCli(['scenarios', 'end-transaction-after-card-reinserted']);
  assert.equal(detail.code, 0, detail.stderr);
  assert.match(
    detail.stdout,
    /^ {2}holder: +SCardConnect\(SHARED\) → SCardBeginTransaction → SCardEndTransaction\(SCARD_LEAVE_CARD\) \(judged\) → SCardStatus \(the transaction was not reset\) → SCardDisconnect\(SCARD_LEAVE_CARD\)$/m,
  );
  assert.match(detail.stdout, /^ {2}card: +removed and inserted again before the judged call$/m);
  assert.match(detail.stdout, /^ {2}catches: Apple 44672548 \(SCARD_W_RESET_CARD\)/m);
  const text = await runCli(['scenarios']);
  assert.match(
    text.stdout,
    /^yosemite-shared-connect {2}Shared connect while another process holds a shared connection\n {2}expected on linux-pcsclite: SCARD_S_SUCCESS\n {2}catches: Apple 21703315 \(blocked\)/m,
  );
});
