// Hardening, soak: a long --repeat on one pair of warm roles gives one verdict
// every time, and the orchestrating process does not grow with the number of
// runs, with and without --trace: its heap after a full GC and its RSS are
// sampled at run 1,000 and at the last run, and so are its open file
// descriptors; pcscd ends with as many free card handles on the reader as it
// started with. The orchestration runs in this process, through the same
// runPlan the CLI uses, so it can be sampled at exact repetitions; the roles
// and the service are real processes.
// SC_REPRO_SOAK_RUNS sets the last run (20,000 by default, about two minutes
// for each of the two tests); the first sample stays at run 1,000.
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

const FIRST_SAMPLE = 1000;
const RUNS = Number(process.env.SC_REPRO_SOAK_RUNS ?? 20_000);
assert.ok(Number.isInteger(RUNS) && RUNS >= 2 * FIRST_SAMPLE, `SC_REPRO_SOAK_RUNS must be an integer of at least ${2 * FIRST_SAMPLE}`);
/**
 * A run keeps two timings of 8 bytes, in buffers that double: at most 32 bytes
 * a run of heap by design (0.6 MB at 20,000 runs). Anything else that a run
 * left behind shows above that: before the runs were tallied, a run kept
 * about 8 KB, 150 MB over 20,000 runs.
 */
const HEAP_SLACK_MB = 2;
const allowedHeapGrowthMb = HEAP_SLACK_MB + (RUNS * 32) / 2 ** 20;
const RSS_SLACK = 0.1;

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

interface Sample {
  fds: number;
  heapMb: number;
  rssMb: number;
}

for (const trace of [false, true]) {
  test(`repro --repeat ${RUNS}${trace ? ' --trace' : ''}: one verdict, no growth in heap, RSS or fds from run ${FIRST_SAMPLE}, pcscd handles back`, async () => {
    const handlesBefore = await freeCardHandles();
    const samples = new Map<number, Sample>();
    const sample = (run: number) => {
      gc();
      const memory = process.memoryUsage();
      samples.set(run, { fds: openFds(), heapMb: memory.heapUsed / 2 ** 20, rssMb: memory.rss / 2 ** 20 });
    };
    const plan = await runPlan({
      scenarios: [DEFAULT_SCENARIO],
      repeat: RUNS,
      reader: { name: VIRTUAL_READER },
      holderEnv: {},
      contenderEnv: {},
      holdSeconds: 10,
      fullHold: false,
      timeoutSeconds: 5,
      blockedAfterSeconds: 1,
      trace,
      onProgress: (done) => (done === FIRST_SAMPLE || done === RUNS ? sample(done) : undefined),
    });
    // The roles end after the plan returns; their handles are counted once they have.
    await plan.stopped;
    const tally = plan.results[0]!.runs;
    assert.equal(plan.stoppedEarly, null);
    assert.equal(tally.count, RUNS);
    const summary = tally.summary();
    assert.deepEqual([summary.verdicts, summary.outcomes], [{ 'not-affected': RUNS }, { SCARD_E_SHARING_VIOLATION: RUNS }]);
    // The run shown is the first, and with --trace it alone keeps its calls.
    assert.equal(summary.shownRun, 1);
    assert.equal(tally.shown?.trace !== undefined, trace);
    if (trace) assert.ok(tally.shown!.trace!.some((entry) => entry.role === 'contender' && entry.call === 'SCardConnect'));

    const first = samples.get(FIRST_SAMPLE)!;
    const last = samples.get(RUNS)!;
    const heapGrowth = last.heapMb - first.heapMb;
    console.log(
      `# trace ${trace}: at run ${FIRST_SAMPLE} ${JSON.stringify(first)}; at run ${RUNS} ${JSON.stringify(last)}; ${(plan.totalMs / 1000).toFixed(1)} s; ${handlesBefore} free card handles`,
    );
    assert.equal(last.fds, first.fds, 'open file descriptors grew');
    assert.ok(
      heapGrowth < allowedHeapGrowthMb,
      `heap after GC grew ${heapGrowth.toFixed(2)} MB from run ${FIRST_SAMPLE} to ${RUNS} (allowed ${allowedHeapGrowthMb.toFixed(2)})`,
    );
    assert.ok(
      last.rssMb < first.rssMb * (1 + RSS_SLACK),
      `RSS grew from ${first.rssMb.toFixed(1)} to ${last.rssMb.toFixed(1)} MB from run ${FIRST_SAMPLE} to ${RUNS}`,
    );

    const handlesAfter = await freeCardHandles();
    assert.ok(handlesBefore > 0 && handlesBefore < 1000, `pcscd gave ${handlesBefore} handles: no limit was met`);
    assert.equal(handlesAfter, handlesBefore, 'pcscd has fewer free card handles than before the run');
  });
}
