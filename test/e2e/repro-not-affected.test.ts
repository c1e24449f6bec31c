// `sc-repro repro` on a correct stack (pcsc-lite): the shared connect gets
// SCARD_E_SHARING_VIOLATION while the holder is proven to hold exclusively.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, readerIsFree, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli } from '../support/cli.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await useStack({ before, after });

test('repro --json: not-affected, exit 0, with the documented schema', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.verdict, 'not-affected');
  assert.equal(report.scenario.id, 'el-capitan-scardconnect');
  assert.deepEqual(report.expected, { name: 'SCARD_E_SHARING_VIOLATION', hex: '0x8010000B', message: 'Sharing violation.' });
  assert.equal(report.observed.name, 'SCARD_E_SHARING_VIOLATION');
  assert.equal(report.observed.hex, '0x8010000B');
  assert.equal(report.observed.code, 0x8010000b);
  assert.equal(report.knownBug, null);
  assert.deepEqual(report.reader, { name: VIRTUAL_READER, atr: '3B 80 80 01 01' });
  assert.ok(report.evidence.readerStateWhileHeld.includes('EXCLUSIVE'), report.evidence.readerStateWhileHeld);
  assert.equal(report.evidence.holderHeldThroughAnswer, true);
  assert.equal(report.evidence.attemptInsideHold, true);

  const t = report.timeline;
  // The contender process starts with the holder, but attempts only once the reader is held.
  const order = [t.holderStarted, t.readerHeld, t.attempt, t.answer, t.holderReleased];
  assert.ok([...order, t.contenderStarted].every((value) => typeof value === 'number'), JSON.stringify(t));
  assert.deepEqual([...order].sort((a, b) => a - b), order, `timeline out of order: ${JSON.stringify(t)}`);
  assert.ok(t.contenderStarted <= t.attempt);
  assert.ok(t.connectLatencyMs >= 0 && t.connectLatencyMs < t.totalMs);
  // Released as soon as the answer was in, not after the 10 s default hold.
  assert.ok(t.holdMs < 5000, `held ${t.holdMs} ms`);
  for (const key of ['os', 'osVersion', 'arch', 'node', 'scRepro', 'binding', 'pcscService']) {
    assert.ok(report.environment[key], `environment.${key} missing`);
  }
  // The npm binding when it loads (it is built here), in every process.
  assert.deepEqual(report.environment.binding, { name: 'pcsclite', version: report.environment.binding.version, library: 'libpcsclite.so.1', roles: { holder: 'pcsclite', contender: 'pcsclite' } });
  assert.match(report.environment.binding.version, /^\d+\.\d+\.\d+$/);
  assert.match(report.environment.pcscService, /^pcsc-lite \d+\.\d+/);
  assert.match(report.command, /^sc-repro repro --json --reader 'Virtual PCD 00 00'$/);
  assert.equal(await readerIsFree(), true);
});

test('repro as text puts the verdict first, then expected vs observed and the timeline', async () => {
  const result = await runCli(['repro', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.match(lines[0]!, /^✔ NOT-AFFECTED {2}the stack answered SCARD_E_SHARING_VIOLATION, as expected$/);
  assert.match(result.stdout, /^Expected {3}SCARD_E_SHARING_VIOLATION \(0x8010000B\): Sharing violation\.$/m);
  assert.match(result.stdout, /^Observed {3}SCARD_E_SHARING_VIOLATION \(0x8010000B\) from SCardConnect: Sharing violation\.$/m);
  for (const label of ['holder started', 'reader held', 'contender asked to act', 'contender attempt', 'answer', 'holder released']) {
    assert.match(result.stdout, new RegExp(`^ +\\d+\\.\\d  ${label}$`, 'm'));
  }
  assert.equal(result.stderr, '', 'no spinner or noise on a non-TTY stderr');
});

test('--full-hold keeps the reader for the whole --hold', async () => {
  const result = await runCli(['repro', '--json', '--reader', VIRTUAL_READER, '--hold', '1.5', '--full-hold']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.verdict, 'not-affected');
  assert.ok(report.timeline.holdMs >= 1450, `held ${report.timeline.holdMs} ms`);
});

test('--markdown --output writes the report to the file and the summary to the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-report-'));
  const file = join(dir, 'report.md');
  const result = await runCli(['repro', '--markdown', '--output', file, '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 0, result.stderr);
  const markdown = readFileSync(file, 'utf8');
  assert.match(markdown, /^### sc-repro: not-affected — /);
  assert.match(markdown, /^\| PC\/SC service \| pcsc-lite \d+\.\d+\.\d+ \|$/m);
  assert.match(result.stdout, /^✔ NOT-AFFECTED/);
  assert.match(result.stdout, new RegExp(`Report written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});
