// Under each bug emulated on Linux with an interposer in one role, `matrix`
// over the whole catalog flags exactly the rows that bug affects, names the
// bug and exits 1; every other row stays as expected. The card scenarios run
// too: --virtual takes the built-in card out and puts it back.
//
// An interposer loaded as the role's whole PC/SC library (ffi binding) sees
// every call of that role; with LD_PRELOAD it sees only the npm addon's calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack } from '../support/pcsc-stack.js';
import { buildInterposer } from '../support/interposers.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { judgedMatrix } from '../support/judged-matrix.js';

await useStack({ before, after }, { card: false });

const OK = 'SCARD_S_SUCCESS';

interface Row {
  scenario: { id: string };
  verdict: string;
  observed: string;
  knownBug: { vendorBug: string } | null;
  reason: string;
}

function deviations(rows: Row[]): Record<string, string> {
  return Object.fromEntries(
    rows
      .filter((row) => row.verdict !== 'not-affected')
      .map((row) => [row.scenario.id, `${row.verdict} ${row.observed} ${row.knownBug?.vendorBug ?? '-'}`]),
  );
}

/** The whole catalog on the built-in card: exit 1, and exactly `expected` deviate. */
async function assertMatrixFlags(roleEnv: string[], expected: Record<string, string>): Promise<void> {
  const result = await judgedMatrix(() =>
    runCli(['matrix', '--json', '--virtual', '--blocked-after', '0.3', ...roleEnv], { timeoutMs: 90_000 }),
  );
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const rows: Row[] = jsonOutput(result.stdout).rows;
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  const why = rows.filter((row) => row.verdict !== 'not-affected').map((row) => `${row.scenario.id}: ${row.reason}`);
  assert.deepEqual(deviations(rows), expected, why.join('\n'));
}

test('El Capitan SCardConnect emulation (LD_PRELOAD): only el-capitan-scardconnect, Apple 23646838', async () => {
  const preload = await buildInterposer('el-capitan-proto-mismatch');
  await assertMatrixFlags(['--contender-env', `LD_PRELOAD=${preload}`], {
    'el-capitan-scardconnect': 'bug-reproduced SCARD_E_PROTO_MISMATCH 23646838',
  });
});

test("Yosemite shared-connect emulation: every row where the contender's shared connect meets the holder, Apple 21703315", async () => {
  const library = await buildInterposer('shared-connect-blocks');
  const blocked = 'bug-reproduced blocked 21703315';
  await assertMatrixFlags(['--contender-env', `SC_REPRO_PCSC_LIBRARY=${library}`, '--contender-env', 'SC_REPRO_BLOCK_MS=10000'], {
    'yosemite-shared-connect': blocked,
    'share-direct-shared': blocked,
    'end-transaction-extra-call': blocked,
    'direct-connect-protocol-undefined': blocked,
    'direct-reconnect-keeps-protocol-undefined': blocked,
    'el-capitan-scardtransmit': blocked,
    'begin-transaction-after-unpower': blocked,
    'begin-transaction-after-reset': blocked,
    'status-after-reset': blocked,
  });
});

test('El Capitan SCardBeginTransaction codes emulation: RESET for REMOVED after reinsertion, Apple 23900844', async () => {
  const library = await buildInterposer('begin-transaction-reset-for-removed');
  await assertMatrixFlags(['--holder-env', `SC_REPRO_PCSC_LIBRARY=${library}`], {
    'begin-transaction-after-card-reinserted': 'bug-reproduced SCARD_W_RESET_CARD 23900844',
  });
});

test('Yosemite reset-not-reported emulation: SCardBeginTransaction and SCardStatus succeed after a reset, Apple 19263926 and 19264087', async () => {
  const library = await buildInterposer('reset-not-reported');
  await assertMatrixFlags(['--holder-env', `SC_REPRO_PCSC_LIBRARY=${library}`], {
    'begin-transaction-after-reset': `bug-reproduced ${OK} 19263926`,
    'status-after-reset': `bug-reproduced ${OK} 19264087`,
    // Powering the card off resets it too; no source says what Yosemite answered there, so no bug is named.
    'begin-transaction-after-unpower': `unexpected ${OK} -`,
  });
});

test('repro --repeat under the El Capitan emulation: bug-reproduced in every run, with the tally', async () => {
  const preload = await buildInterposer('el-capitan-proto-mismatch');
  const result = await runCli(['repro', '--json', '--repeat', '5', '--virtual', '--contender-env', `LD_PRELOAD=${preload}`]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'bug-reproduced');
  assert.deepEqual(report.repeat.verdicts, { 'bug-reproduced': 5 });
  assert.deepEqual(report.repeat.outcomes, { SCARD_E_PROTO_MISMATCH: 5 });
});
