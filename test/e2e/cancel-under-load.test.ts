// `cancel-blocked-status-change` on a loaded machine: sc-repro's processes at
// nice 10 beside busy loops, so that each of its steps may wait for the CPU.
// A cancel made after a fixed delay can then reach pcscd before the wait it
// is meant to end, which leaves the wait to return at the holder's release and
// the run to read `blocked`. Every run must instead see the wait cancelled:
// not-affected, SCARD_E_CANCELLED, exit 0. Each process's first run is the
// one most exposed (its first status wait also loads the library's functions),
// so the runs are spread over several processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { CLI, jsonOutput, type CliResult } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

await useStack({ before, after });

const SCENARIO = 'cancel-blocked-status-change';
/** Separate CLI processes, each with this many runs on its warm roles. */
const PROCESSES = 4;
const RUNS_EACH = 5;
/** One busy loop per core and one more: sc-repro's processes get a share of a core, never a core of their own. */
const BUSY_LOOPS = availableParallelism() + 1;

function startBusyLoops(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

async function stopBusyLoops(loops: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    loops.map((loop) => {
      if (loop.exitCode !== null || loop.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => loop.once('exit', resolve));
      loop.kill('SIGKILL');
      return exited;
    }),
  );
}

/** The CLI, and the roles it starts, at nice 10. */
function runNiced(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  const started = performance.now();
  const child = spawn('nice', ['-n', '10', process.execPath, CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    }),
  );
}

test(`${SCENARIO} at nice 10 beside ${BUSY_LOOPS} busy loops: ${PROCESSES} × ${RUNS_EACH} runs, every one not-affected with SCARD_E_CANCELLED`, async () => {
  const { env, marker } = markedEnv();
  const loops = startBusyLoops(BUSY_LOOPS);
  const results: CliResult[] = [];
  try {
    for (let index = 0; index < PROCESSES; index++) {
      const args = ['repro', '--reader', VIRTUAL_READER, '-s', SCENARIO, '--json', '--repeat', String(RUNS_EACH)];
      results.push(await runNiced(args, env, 30_000));
    }
  } finally {
    await stopBusyLoops(loops);
  }
  assert.ok(
    loops.every((loop) => loop.exitCode !== null || loop.signalCode !== null),
    'the busy loops were stopped',
  );
  results.forEach((result, index) => {
    const context = `process ${index + 1}: exit ${result.code} ${result.signal ?? ''}\n${result.stdout.slice(0, 3000)}\n${result.stderr}`;
    assert.equal(result.code, 0, context);
    const report = jsonOutput(result.stdout);
    assert.equal(report.scenario.id, SCENARIO, context);
    assert.equal(report.verdict, 'not-affected', context);
    assert.equal(report.repeat.count, RUNS_EACH, context);
    assert.deepEqual(report.repeat.verdicts, { 'not-affected': RUNS_EACH }, context);
    assert.deepEqual(report.repeat.outcomes, { SCARD_E_CANCELLED: RUNS_EACH }, context);
    assert.equal(report.observed.call, 'SCardGetStatusChange', context);
    assert.equal(report.observed.name, 'SCARD_E_CANCELLED', context);
  });
  assert.deepEqual(processesWithMarker(marker), [], 'no process of the runs is left');
  assert.equal(await readerIsFree(), true);
});
