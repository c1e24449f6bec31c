// Hardening, concurrent users: two `repro` runs started at the same moment on
// the same reader. Neither may report a false verdict because it met the
// other run's holder: each run either waits for the other and judges its own
// scenario (not-affected here), or says it could not judge (inconclusive).
// The scenarios differ on purpose: an exclusive holder against a shared one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

await useStack({ before, after });

const PAIRS = 10;

test(`${PAIRS} pairs of simultaneous repro runs: no false verdict, nothing left, reader free`, async () => {
  const verdicts: Record<string, number> = {};
  for (let i = 0; i < PAIRS; i++) {
    const { env, marker } = markedEnv();
    const runs = await Promise.all(
      [[], ['--scenario', 'yosemite-shared-connect']].map((scenario) =>
        runCli(['repro', '--json', '--reader', VIRTUAL_READER, ...scenario], { env }),
      ),
    );
    for (const run of runs) {
      const report = jsonOutput(run.stdout);
      verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
      assert.ok(['not-affected', 'inconclusive'].includes(report.verdict), `pair ${i}: ${report.verdict}: ${report.reason}`);
      assert.equal(run.code, report.verdict === 'not-affected' ? 0 : 2);
    }
    assert.deepEqual(processesWithMarker(marker), []);
  }
  console.log(`# verdicts over ${PAIRS} pairs: ${JSON.stringify(verdicts)}`);
  assert.equal(await readerIsFree(), true);
});
