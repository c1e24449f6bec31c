// `repro --repeat N` reuses the two warm role processes: N verdicts, a tally,
// and latency spreads; nothing left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });

test('repro --repeat 30 --json: 30 identical verdicts with min/median/max', async () => {
  const result = await runCli(['repro', '--json', '--repeat', '30', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.match(report.reason, /^not-affected in 30\/30 runs; /);
  assert.equal(report.repeat.count, 30);
  assert.deepEqual(report.repeat.verdicts, { 'not-affected': 30 });
  assert.deepEqual(report.repeat.outcomes, { SCARD_E_SHARING_VIOLATION: 30 });
  for (const key of ['connectLatencyMs', 'runMs'] as const) {
    const { min, median, max } = report.repeat[key];
    assert.ok(min > 0 && min <= median && median <= max, `${key}: ${min} ${median} ${max}`);
  }
  assert.ok(report.startupMs > 0);
  assert.equal(await readerIsFree(), true);
});

test('repro --repeat as text shows the tally and the spreads, and nothing on a non-TTY stderr', async () => {
  const result = await runCli(['repro', '--repeat', '3', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ {2}Runs +not-affected 3\/3$/m);
  assert.match(result.stdout, /^ {2}SCardConnect latency +min [\d.]+ \/ median [\d.]+ \/ max [\d.]+ ms$/m);
  assert.equal(result.stderr, '');
});

test('repro --repeat 20 --trace --json: the trace is the calls of the one run shown, not of all 20', async () => {
  const result = await runCli(['repro', '--json', '--trace', '--repeat', '20', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(result.stdout);
  assert.deepEqual([report.repeat.count, report.repeat.shownRun], [20, 1]);
  const calls = (role: string, call: string) =>
    report.trace.filter((entry: { role: string; call: string }) => entry.role === role && entry.call === call).length;
  // One run: the holder took the reader once, and the contender made its judged connect once.
  assert.equal(calls('holder', 'SCardConnect'), 1);
  assert.equal(calls('contender', 'SCardConnect'), 1);
  assert.equal(await readerIsFree(), true);
});
