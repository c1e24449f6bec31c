// Hardening, soak: 300 repetitions of the main scenario on one pair of warm
// roles give 300 identical verdicts, the orchestrating process does not grow
// (open file descriptors and memory, measured at run 50 and run 300), and
// pcscd ends with as many free card handles on the reader as it started with.
// The orchestration runs in this process, through the same runPlan the CLI
// uses, so its resources can be sampled at exact repetitions; the roles and
// the service are real processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runPlan } from '../../src/orchestrator/run-plan.js';
import { DEFAULT_SCENARIO } from '../../src/scenarios/catalog.js';
import { ffiBinding } from '../../src/pcsc/ffi-adapter.js';
import type { Connection } from '../../src/pcsc/binding.js';

await useStack({ before, after });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const openFds = () => readdirSync('/proc/self/fd').length;

/**
 * pcscd has no call that tells how many card handles a reader has; it does
 * refuse new ones past its per-reader limit. Shared connects until the
 * refusal count the free slots, and a leaked handle shows as one fewer.
 */
async function freeCardHandles(limit = 1000): Promise<number> {
  // One context, through the platform library: the count is pcscd's, not a binding's.
  const context = await ffiBinding(null).openContext();
  const cards: Connection[] = [];
  try {
    while (cards.length < limit) cards.push(await context.connect(VIRTUAL_READER, 'shared', 'any'));
  } catch {
    // The refusal (SCARD_E_NO_MEMORY) is the measurement.
  } finally {
    await context.close();
  }
  return cards.length;
}

test('repro --repeat 300: 300 identical verdicts, no growth in fds or memory, pcscd handles back', async () => {
  const handlesBefore = await freeCardHandles();
  const samples: Record<number, { fds: number; heapMb: number; rssMb: number }> = {};
  const sample = (run: number) => {
    gc();
    const memory = process.memoryUsage();
    samples[run] = { fds: openFds(), heapMb: memory.heapUsed / 2 ** 20, rssMb: memory.rss / 2 ** 20 };
  };
  const plan = await runPlan({
    scenarios: [DEFAULT_SCENARIO],
    repeat: 300,
    reader: { name: VIRTUAL_READER },
    holderEnv: {},
    contenderEnv: {},
    holdSeconds: 10,
    fullHold: false,
    timeoutSeconds: 5,
    blockedAfterSeconds: 1,
    onProgress: (done) => (done === 50 || done === 300 ? sample(done) : undefined),
  });
  const runs = plan.results[0]!.runs;
  assert.equal(runs.length, 300);
  const verdicts = new Set(runs.map((run) => `${run.verdict} ${run.outcome?.kind === 'error' ? run.outcome.name : run.outcome?.kind}`));
  assert.deepEqual([...verdicts], ['not-affected SCARD_E_SHARING_VIOLATION']);

  const at50 = samples[50]!;
  const at300 = samples[300]!;
  console.log(`# at run 50: ${JSON.stringify(at50)}; at run 300: ${JSON.stringify(at300)}; ${plan.totalMs.toFixed(0)} ms; ${handlesBefore} free card handles`);
  assert.equal(at300.fds, at50.fds, 'open file descriptors grew');
  // 250 more runs leaking even 20 KB each would add 5 MB; noise after a GC is well under 2 MB.
  assert.ok(at300.heapMb - at50.heapMb < 2, `heap grew ${(at300.heapMb - at50.heapMb).toFixed(2)} MB`);
  assert.ok(at300.rssMb - at50.rssMb < 10, `RSS grew ${(at300.rssMb - at50.rssMb).toFixed(2)} MB`);

  const handlesAfter = await freeCardHandles();
  assert.ok(handlesBefore > 0 && handlesBefore < 1000, `pcscd gave ${handlesBefore} handles: no limit was met`);
  assert.equal(handlesAfter, handlesBefore, 'pcscd has fewer free card handles than before the run');
});
