// A service restart inside a run is not an answer. pcscd is killed (SIGTERM or
// SIGKILL) at a random moment of `repro --repeat 1000` and started again at
// once, with the virtual card put back: runs whose hold and answer straddle
// the restart must be inconclusive, never judged, so the tally never shows
// unexpected or bug-reproduced and the exit code is never 1. After each try
// the service, the vpcd reader and the card are back, and nothing is left.
// The moments come from a seeded generator: SC_REPRO_SEED=<seed> replays a run;
// SC_REPRO_SIGNAL_RUNS=<n> shortens the loop locally (20 by default).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  startPcscStack,
  insertCard,
  killPcscd,
  pcscdRunning,
  vpcdListening,
  readerIsFree,
  readerStatus,
  VIRTUAL_READER,
  type PcscStack,
} from '../support/pcsc-stack.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import { seeded, seedFromEnv } from '../support/seeded-random.js';
import type { VirtualCard } from '../../src/virtual-card/vpcd-card.js';

const TRIES = Number(process.env.SC_REPRO_SIGNAL_RUNS ?? 20);
const SEED = seedFromEnv();
console.log(`# restart moments seeded with SC_REPRO_SEED=${SEED}`);

const random = seeded(SEED);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// How pcscd ran before this file: socket-activated by systemd (it comes back
// on the next client), a daemon of the machine's (started again as one), or
// none, in which case startPcscStack() runs one in the foreground that this
// file owns and stops at the end.
const SOCKET_ACTIVATED = existsSync('/run/systemd/system') && existsSync('/run/pcscd/pcscd.comm') && !pcscdRunning();
let machineDaemon = false;
let stack: PcscStack | undefined;
let card: VirtualCard | undefined;

// How long an undisturbed `repro --repeat 1000` takes here: the kill moments
// are spread over it, whatever the machine's speed.
let undisturbedMs = 0;
before(async () => {
  machineDaemon = pcscdRunning();
  stack = await startPcscStack();
  card = await insertCard();
  const baseline = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--repeat', '1000'], { timeoutMs: 120_000 });
  assert.equal(baseline.code, 0, `the undisturbed run: ${baseline.stderr}`);
  undisturbedMs = baseline.ms;
  console.log(`# an undisturbed repro --repeat 1000 took ${Math.round(undisturbedMs)} ms`);
});
after(async () => {
  await card?.remove();
  await stack?.stop();
  // A daemon of the machine's that a failed try left stopped is started again.
  if (machineDaemon && !pcscdRunning()) await startDaemon();
});

async function startDaemon(): Promise<void> {
  // pcscd forks into the background; its first process exits once it has.
  const daemon = spawn('pcscd', [], { stdio: 'ignore' });
  await new Promise((resolve) => daemon.on('close', resolve).on('error', resolve));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Kills pcscd, starts it again the way it ran, and puts the card back. */
async function restartPcscd(signal: NodeJS.Signals): Promise<void> {
  await killPcscd(signal);
  // vpcd's card connection died with pcscd.
  await card?.remove();
  card = undefined;
  if (SOCKET_ACTIVATED) {
    // systemd starts pcscd again for its next client.
    await until(
      async () => (await runCli(['readers', '--json'])).code === 0 && vpcdListening(),
      10_000,
      'pcscd to come back on its socket with the vpcd reader',
    );
  } else if (machineDaemon) {
    await startDaemon();
    await until(() => vpcdListening(), 10_000, 'the restarted pcscd to load the vpcd reader');
  } else {
    stack = await startPcscStack();
  }
  card = await insertCard();
}

interface Report {
  verdict: string;
  reason: string;
  repeat?: { count: number; verdicts: Record<string, number> };
  stoppedEarly: string | null;
}

test(`pcscd killed and restarted at ${TRIES} random moments of repro --repeat 1000: never exit 1, never judged, everything back`, {
  timeout: TRIES * 60_000,
}, async () => {
  const tally: Record<string, number> = {};
  let landed = 0;
  for (let i = 0; i < TRIES; i++) {
    const { env, marker } = markedEnv();
    const signal = random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
    // Anywhere from start-up to near the end of the 1000 runs.
    const delay = Math.round(undisturbedMs * (0.1 + 0.75 * random()));
    const run = startCli(['repro', '--json', '--reader', VIRTUAL_READER, '--repeat', '1000'], { env });
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    try {
      await sleep(delay);
      if (run.child.exitCode === null) landed++;
      await restartPcscd(signal);
    } finally {
      await run.done;
      clearTimeout(killer);
    }
    const result = await run.done;
    const label = `try ${i + 1}: pcscd ${signal} after ${delay} ms (SC_REPRO_SEED=${SEED})`;
    assert.equal(result.signal, null, `${label}: repro did not end within 60 s`);
    assert.ok(result.stdout.trim(), `${label}: no output, exit ${result.code}: ${result.stderr}`);
    const json = jsonOutput(result.stdout) as Report;
    const summary = `${label}: exit ${result.code}, ${json.verdict}: ${json.reason}; tally ${JSON.stringify(json.repeat?.verdicts)}; ${json.stoppedEarly ?? ''}`;
    console.log(`# ${summary}`);
    assert.notEqual(result.code, 1, summary);
    assert.equal(json.repeat?.verdicts.unexpected, undefined, summary);
    assert.equal(json.repeat?.verdicts['bug-reproduced'], undefined, summary);
    assert.ok(json.verdict === 'not-affected' || json.verdict === 'inconclusive', summary);
    for (const [verdict, count] of Object.entries(json.repeat?.verdicts ?? {})) tally[verdict] = (tally[verdict] ?? 0) + count;

    assert.deepEqual(processesWithMarker(marker), [], `${label}: processes left behind`);
    assert.ok(pcscdRunning(), `${label}: pcscd is not running`);
    assert.ok(vpcdListening(), `${label}: the vpcd reader is not loaded`);
    assert.equal((await readerStatus(VIRTUAL_READER, (s) => s.cardPresent)).cardPresent, true, `${label}: the card is not in`);
    assert.equal(await readerIsFree(), true, `${label}: the reader is held`);
  }
  console.log(`# runs over ${TRIES} tries: ${JSON.stringify(tally)}; the restart came while repro ran in ${landed}`);
  // Most restarts must come while repro runs, or the loop proves little.
  assert.ok(landed >= TRIES / 2, `only ${landed} of ${TRIES} restarts came while repro ran`);
});
