// The original two-terminal reproduction in two real processes: while `lock` holds the reader
// exclusively, `connect` (shared) must get SCARD_E_SHARING_VIOLATION; once the
// lock ends, the same connect succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack } from '../support/pcsc-stack.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

await useStack({ before, after });

test('connect gets SCARD_E_SHARING_VIOLATION (0x8010000B) and exit 1 while lock holds', async () => {
  const lock = startCli(['lock', '--hold', '10']);
  await lock.line(/^Holding the reader with SCARD_SHARE_EXCLUSIVE/);
  const connect = await runCli(['connect', '--json']);
  lock.child.kill('SIGINT');
  await lock.done;
  assert.equal(connect.code, 1, connect.stderr);
  const report = jsonOutput(connect.stdout);
  assert.equal(report.ok, false);
  assert.equal(report.mode, 'shared');
  assert.equal(report.reader, 'Virtual PCD 00 00');
  assert.deepEqual(
    { code: report.error.code, hex: report.error.hex, name: report.error.name },
    { code: 0x8010000b, hex: '0x8010000B', name: 'SCARD_E_SHARING_VIOLATION' },
  );
});

test('connect as text names the code and says it is the expected answer', async () => {
  const lock = startCli(['lock', '--hold', '10']);
  await lock.line(/^Holding/);
  const connect = await runCli(['connect']);
  lock.child.kill('SIGINT');
  await lock.done;
  assert.equal(connect.code, 1);
  assert.match(connect.stdout, /^Using: Virtual PCD 00 00$/m);
  assert.match(connect.stdout, /SCARD_E_SHARING_VIOLATION \(0x8010000B\): Sharing violation\./);
  assert.match(
    connect.stdout,
    /If another process holds the reader exclusively \(as `sc-repro lock` does by default\), this is the correct answer\./,
  );
});

test('after lock ends by itself, connect succeeds with exit 0', async () => {
  const lock = await runCli(['lock', '--hold', '0.2', '--json']);
  assert.equal(lock.code, 0, lock.stderr);
  const held = jsonOutput(lock.stdout);
  assert.equal(held.reason, 'hold-elapsed');
  assert.equal(held.mode, 'exclusive');
  assert.ok(held.heldMs >= 190 && held.heldMs < 2000, `held ${held.heldMs} ms`);
  assert.ok(Date.parse(held.releasedAt) > Date.parse(held.heldAt));

  const connect = await runCli(['connect', '--json']);
  assert.equal(connect.code, 0, connect.stderr);
  const report = jsonOutput(connect.stdout);
  assert.equal(report.ok, true);
  assert.match(report.protocol, /^T[01]$/);
});
