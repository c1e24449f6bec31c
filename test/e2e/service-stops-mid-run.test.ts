// Hardening, the service goes away: pcscd is stopped (SIGTERM) or crashes
// (SIGKILL) while `lock` holds the reader and while `repro` waits out its
// hold. Each ends within 2 s with exit 2, SCARD_E_NO_SERVICE named on stderr
// with the platform's hint, and no process left behind. (The service missing
// at start is no-service.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startPcscStack,
  insertCard,
  killPcscd,
  readerIsFree,
  readerStatus,
  VIRTUAL_READER,
  type PcscStack,
} from '../support/pcsc-stack.js';
import { startCli, type RunningCli, jsonOutput } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';
import type { VirtualCard } from '../../src/virtual-card/vpcd-card.js';

let stack: PcscStack;
let card: VirtualCard;
async function bringUp() {
  stack = await startPcscStack();
  card = await insertCard();
}
before(bringUp);
after(async () => {
  await card?.remove();
  await stack?.stop();
});

/** Kills pcscd once `run` holds the reader; returns how long the run took to end after that. */
async function killWhileHeld(run: RunningCli, signal: NodeJS.Signals) {
  const held = await readerStatus(VIRTUAL_READER, (s) => s.flags.includes('EXCLUSIVE'), 5000);
  assert.ok(held.flags.includes('EXCLUSIVE'), `never held: ${held.flags}`);
  await killPcscd(signal);
  const killed = performance.now();
  const result = await run.done;
  return { result, afterKillMs: performance.now() - killed };
}

function assertServiceCause(stderr: string, prefix: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 2, stderr);
  assert.match(lines[0]!, prefix);
  assert.match(lines[0]!, /SCARD_E_NO_SERVICE \(0x8010001D\)/);
  assert.match(lines[1]!, /^hint: start the PC\/SC daemon/);
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`pcscd ${signal === 'SIGTERM' ? 'stopped' : 'crashing'} while lock holds: exit 2 within 2 s, the cause named`, async () => {
    const { env, marker } = markedEnv();
    const lock = startCli(['lock', '--reader', VIRTUAL_READER, '--hold', '30'], { env });
    const { result, afterKillMs } = await killWhileHeld(lock, signal);
    await bringUp();
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.ok(afterKillMs < 2000, `took ${Math.round(afterKillMs)} ms`);
    assertServiceCause(result.stderr, /^sc-repro: error: /);
    assert.deepEqual(processesWithMarker(marker), []);
    assert.equal(await readerIsFree(), true);
  });

  test(`pcscd ${signal === 'SIGTERM' ? 'stopped' : 'crashing'} while repro holds: inconclusive, exit 2 within 2 s`, async () => {
    const { env, marker } = markedEnv();
    const repro = startCli(['repro', '--json', '--reader', VIRTUAL_READER, '--hold', '30', '--full-hold'], { env });
    const { result, afterKillMs } = await killWhileHeld(repro, signal);
    await bringUp();
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.ok(afterKillMs < 2000, `took ${Math.round(afterKillMs)} ms`);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'inconclusive');
    assert.match(report.reason, /^the holder stopped: SCARD_E_NO_SERVICE/);
    assertServiceCause(result.stderr, /^sc-repro: inconclusive: the holder stopped: /);
    assert.deepEqual(processesWithMarker(marker), []);
    assert.equal(await readerIsFree(), true);
  });
}
