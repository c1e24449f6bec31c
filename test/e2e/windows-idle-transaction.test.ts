// Windows resets the card when a transaction stays idle for more than 5 s
// (Microsoft's SCardBeginTransaction remarks); the winscard.dll emulation does
// the same (test/fixtures/emulations/winscard.c: a watchdog ends an idle
// transaction with SCARD_RESET_CARD, and the owner's next call on its handle
// answers SCARD_W_RESET_CARD). A hold that keeps a transaction longer must say
// so: the reset is not the stack's answer to the contender. The stack
// underneath is pcsc-lite, so the same runs without the long hold are judged
// as on the native stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFreeAfterVirtualCard } from '../support/pcsc-stack.js';
import { jsonOutput } from '../support/cli.js';
import { assertEmulatedBinding, emulatedCli, type EmulatedCli } from '../support/emulated-cli.js';

await useStack({ before, after }, { card: false });

let win: EmulatedCli;
before(async () => (win = await emulatedCli('windows')));

const RULE =
  /^the holder's transaction was reset during the hold, by no act of the contender: the holder's SCardStatus returned SCARD_W_RESET_CARD after its transaction had been idle for (\d+) ms; Windows resets the card when a transaction stays idle for more than 5 s \(Microsoft, SCardBeginTransaction\)/;

function idleMs(reason: string): number {
  return Number(RULE.exec(reason)?.[1] ?? NaN);
}

test('a call waiting for a transaction returns at the idle reset: inconclusive, naming the rule, not an unexpected answer', async () => {
  // --blocked-after 2: the transmit would be suspected blocked only after 6 s; the reset at 5 s frees it first, while the reader is still held.
  const result = await win.run(
    ['repro', '--virtual', '--json', '--scenario', 'transaction-blocks-transmit', '--blocked-after', '2', '--hold', '12'],
    { timeoutMs: 60_000 },
  );
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'inconclusive', `${report.verdict}: ${report.reason}\n${result.stderr}`);
  assert.match(report.reason, RULE);
  assert.ok(idleMs(report.reason) > 5000, report.reason);
  assert.match(report.hint ?? '', /under 5 s on Windows/);
  assert.equal(report.knownBug, null);
  assert.equal(result.code, 2, result.stderr);
  assertEmulatedBinding(report, win);
  assert.equal(await readerIsFreeAfterVirtualCard(), true);
});

test('--full-hold past 5 s after a quick answer: the reset the holder finds at its release makes the run inconclusive', async () => {
  const args = ['repro', '--virtual', '--json', '--scenario', 'transaction-does-not-block-getattrib'];
  const long = await win.run([...args, '--full-hold', '--hold', '6.5'], { timeoutMs: 60_000 });
  const report = jsonOutput(long.stdout);
  assert.equal(report.verdict, 'inconclusive', `${report.verdict}: ${report.reason}\n${long.stderr}`);
  assert.match(report.reason, RULE);
  assert.ok(idleMs(report.reason) > 5000, report.reason);
  // The same scenario released at the answer: the transaction lasted, and the answer is judged.
  const short = await win.run(args, { timeoutMs: 60_000 });
  const judged = jsonOutput(short.stdout);
  assert.equal(judged.verdict, 'not-affected', `${judged.verdict}: ${judged.reason}\n${short.stderr}`);
  assert.equal(short.code, 0, short.stderr);
  assert.equal(await readerIsFreeAfterVirtualCard(), true);
});
