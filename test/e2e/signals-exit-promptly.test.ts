// Hardening, signals: SIGINT or SIGTERM at a random moment of `lock`,
// `connect`, `repro` and `matrix`, 50 times per command and signal. Each time
// the process is gone within 500 ms, leaves no process behind, prints no stack
// trace, and the reader is free for an exclusive connect.
// The moments come from a seeded generator: SC_REPRO_SEED=<seed> replays a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { startCli } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import { startReaderProbe, type ReaderProbe } from '../support/reader-probe.js';
import { RoleProcess } from '../../src/orchestrator/role-process.js';

await useStack({ before, after });

let probe: ReaderProbe;
before(async () => (probe = await startReaderProbe()));
after(async () => probe?.close());

const RUNS = Number(process.env.SC_REPRO_SIGNAL_RUNS ?? 50);
const PROMPT_MS = 500;
const SEED = Number(process.env.SC_REPRO_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`# signal moments seeded with SC_REPRO_SEED=${SEED}`);

/** mulberry32: small, seedable, good enough to spread moments over a window. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

// Each window covers start-up, the PC/SC work and (for the long runs) many
// repetitions, so the signal lands in every phase over 50 runs.
const COMMANDS: Record<string, { args: string[]; windowMs: number; finishes: boolean }> = {
  lock: { args: ['lock', '--reader', VIRTUAL_READER, '--hold', '30'], windowMs: 700, finishes: false },
  connect: { args: ['connect', '--reader', VIRTUAL_READER], windowMs: 400, finishes: true },
  repro: { args: ['repro', '--reader', VIRTUAL_READER, '--json', '--repeat', '100000'], windowMs: 1200, finishes: false },
  matrix: { args: ['matrix', '--reader', VIRTUAL_READER, '--json', '--repeat', '1000'], windowMs: 1200, finishes: false },
};

for (const [command, { args, windowMs, finishes }] of Object.entries(COMMANDS)) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} to ${command} at ${RUNS} random moments: gone within ${PROMPT_MS} ms, nothing left, reader free`, async () => {
      const exits: Record<string, number> = {};
      for (let i = 0; i < RUNS; i++) {
        const { env, marker } = markedEnv();
        const run = startCli(args, { env });
        const delay = Math.round(random() * windowMs);
        await sleep(delay);
        const sent = performance.now();
        run.child.kill(signal);
        const result = await run.done;
        const exitMs = Math.round(performance.now() - sent);
        const label = `${command} run ${i}, ${signal} after ${delay} ms (SC_REPRO_SEED=${SEED})`;
        const how = result.code ?? result.signal!;
        exits[how] = (exits[how] ?? 0) + 1;

        assert.ok(exitMs <= PROMPT_MS, `${label}: exited ${exitMs} ms after the signal`);
        // Its own handler's exit code (130/143); death by the signal itself,
        // when it came before Node had loaded the handler (nothing was open
        // yet) or when a stuck call had to be cut short; or, for a command that
        // finishes, its own result when the work was already done.
        const ownHandler = result.code === SIGNAL_EXIT[signal];
        const diedOfSignal = result.signal === signal;
        const alreadyDone = finishes && result.code === 0 && /^SCardConnect\(.*\) succeeded/m.test(result.stdout);
        assert.ok(ownHandler || diedOfSignal || alreadyDone, `${label}: exit ${result.code} signal ${result.signal}\n${result.stdout}${result.stderr}`);
        assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/, `${label}: a stack trace`);
        assert.deepEqual(processesWithMarker(marker), [], `${label}: processes left behind`);
        // A process killed before its handler existed is cleaned up by pcscd
        // when its socket closes, a moment after the exit.
        assert.ok(await probe.freeWithin(250), `${label}: the reader is still held`);
      }
      console.log(`# ${command} ${signal}: ${JSON.stringify(exits)}`);
    });
  }
}

test('SIGINT to a connect stuck behind another process\'s transaction: exit 130 within 500 ms', async () => {
  // A served holder inside SCardBeginTransaction: pcsc-lite makes an exclusive connect wait for it.
  const holder = new RoleProcess('holder');
  try {
    const ready = await holder.reply(-1, ['ready'], 10_000);
    assert.ok('message' in ready, JSON.stringify(ready));
    const held = await holder.reply(holder.request({ type: 'hold', reader: VIRTUAL_READER, plan: { mode: 'shared', transaction: true }, then: null, proveByStatus: false }), ['held'], 5000);
    assert.ok('message' in held && held.message.type === 'held', JSON.stringify(held));
    const { env, marker } = markedEnv();
    const connect = startCli(['connect', '--reader', VIRTUAL_READER, '--mode', 'exclusive'], { env });
    await connect.line(/^Using:/);
    await sleep(300);
    assert.equal(connect.child.exitCode, null, 'the connect was not blocked');
    const sent = performance.now();
    connect.child.kill('SIGINT');
    const result = await connect.done;
    const exitMs = performance.now() - sent;
    // The call cannot be cancelled, so the process dies of the signal once
    // the cause is printed (a shell shows 130); Windows exits with 130.
    assert.ok(result.code === 130 || result.signal === 'SIGINT', `exit ${result.code} signal ${result.signal}`);
    assert.ok(exitMs <= PROMPT_MS, `exited ${Math.round(exitMs)} ms after SIGINT`);
    assert.equal(result.stderr.trim(), 'sc-repro: error: interrupted before SCardConnect returned');
    assert.deepEqual(processesWithMarker(marker), []);
  } finally {
    await holder.stop();
  }
  assert.ok(await probe.freeWithin(250), 'the reader is still held');
});
