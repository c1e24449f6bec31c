// Under each bug emulated on Linux with an LD_PRELOAD interposer in the
// contender, `matrix` flags exactly the rows that bug affects, names the bug
// and exits 1; every other row stays as expected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { buildInterposer } from '../support/interposers.js';
import { runCli } from '../support/cli.js';

await useStack({ before, after });

interface Row {
  scenario: { id: string };
  verdict: string;
  observed: string;
  knownBug: { vendorBug: string } | null;
}

function deviations(rows: Row[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.verdict !== 'not-affected').map((row) => [row.scenario.id, `${row.verdict} ${row.observed} ${row.knownBug?.vendorBug ?? '-'}`]));
}

test('El Capitan SCardConnect emulation: only el-capitan-scardconnect, Apple 23646838', async () => {
  const preload = await buildInterposer('el-capitan-proto-mismatch');
  const result = await runCli(['matrix', '--json', '--reader', VIRTUAL_READER, '--contender-env', `LD_PRELOAD=${preload}`]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(deviations(report.rows), { 'el-capitan-scardconnect': 'bug-reproduced SCARD_E_PROTO_MISMATCH 23646838' });
  assert.equal(await readerIsFree(), true);
});

test('Yosemite shared-connect emulation: every shared connect that meets a user of the card is blocked, Apple 21703315', async () => {
  const preload = await buildInterposer('shared-connect-blocks');
  const result = await runCli([
    'matrix', '--json', '--reader', VIRTUAL_READER, '--blocked-after', '0.5',
    '--contender-env', `LD_PRELOAD=${preload}`, '--contender-env', 'SC_REPRO_BLOCK_MS=10000',
  ]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.deepEqual(deviations(report.rows), {
    'yosemite-shared-connect': 'bug-reproduced blocked 21703315',
    'share-direct-shared': 'bug-reproduced blocked 21703315',
    'el-capitan-scardtransmit': 'bug-reproduced blocked 21703315',
  });
  assert.equal(await readerIsFree(), true);
});

test('repro --repeat under the El Capitan emulation: bug-reproduced in every run, with the tally', async () => {
  const preload = await buildInterposer('el-capitan-proto-mismatch');
  const result = await runCli(['repro', '--json', '--repeat', '5', '--reader', VIRTUAL_READER, '--contender-env', `LD_PRELOAD=${preload}`]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.verdict, 'bug-reproduced');
  assert.deepEqual(report.repeat.verdicts, { 'bug-reproduced': 5 });
  assert.deepEqual(report.repeat.outcomes, { SCARD_E_PROTO_MISMATCH: 5 });
});
