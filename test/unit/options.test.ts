import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { closestIds, parseChoice, parseEnvAssignment, parseId, parseOutputPath, parseReaderSelector, parseSeconds, parseSecondsAtLeast } from '../../src/cli/options.js';

test('--hold accepts plain positive seconds', () => {
  assert.equal(parseSeconds('--hold', '10'), 10);
  assert.equal(parseSeconds('--hold', '0.5'), 0.5);
  assert.equal(parseSeconds('--hold', ' 3 '), 3);
});

test('--hold rejects everything else with a UsageError naming the flag', () => {
  for (const value of ['abc', '-1', '0', '0.0', 'NaN', 'Infinity', '1e3', '10s', '5 min', '', '1,5', '86401', '99999999999']) {
    assert.throws(() => parseSeconds('--hold', value), (error: Error) => error instanceof UsageError && /^--hold /.test(error.message), value);
  }
});

test('choices are case-insensitive and list the valid values on error', () => {
  assert.equal(parseChoice('--mode', 'EXCLUSIVE', ['exclusive', 'shared', 'direct']), 'exclusive');
  assert.throws(() => parseChoice('--mode', 'foo', ['exclusive', 'shared']), /--mode must be one of exclusive, shared, got 'foo'/);
});

test('--reader is an index or a name fragment', () => {
  assert.deepEqual(parseReaderSelector('1'), { index: 1 });
  assert.deepEqual(parseReaderSelector('Gemalto'), { name: 'Gemalto' });
  assert.throws(() => parseReaderSelector('  '), UsageError);
});

test('--contender-env takes KEY=VALUE and accumulates', () => {
  const first = parseEnvAssignment('--contender-env', 'LD_PRELOAD=/tmp/x.so');
  assert.deepEqual(parseEnvAssignment('--contender-env', 'A=b=c', first), { LD_PRELOAD: '/tmp/x.so', A: 'b=c' });
  assert.throws(() => parseEnvAssignment('--contender-env', 'novalue'), UsageError);
  assert.throws(() => parseEnvAssignment('--contender-env', '1X=y'), UsageError);
});

test('--output must name a file in an existing folder', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-options-'));
  try {
    const missing = join(folder, 'missing');
    assert.throws(() => parseOutputPath(join(missing, 'report.md')), (error: Error) => error.message.includes(`the folder ${missing} does not exist`));
    assert.throws(() => parseOutputPath(folder), /is a folder/);
    assert.throws(() => parseOutputPath(''), /expects a file name, got an empty value/);
    // No file system takes a 300-character name, whoever runs the test.
    assert.throws(() => parseOutputPath(join(folder, `${'x'.repeat(300)}.md`)), /cannot write there \(E[A-Z]+\)/);
    const checked = parseOutputPath(join(folder, 'report.md'));
    assert.match(checked.path, /report\.md$/);
    assert.equal(checked.fd, undefined, 'a file is written by path, once the report is ready');
    assert.equal(existsSync(checked.path), false, 'the check left its probe file behind');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('--blocked-after has a floor, named in the message', () => {
  assert.equal(parseSecondsAtLeast('--blocked-after', '0.1', 0.1), 0.1);
  assert.throws(() => parseSecondsAtLeast('--blocked-after', '0.001', 0.1), /^UsageError: --blocked-after must be at least 0\.1 seconds, got '0\.001'$/);
});

test('scenario ids: exact (case-insensitive) or a one-line error naming the closest ids', () => {
  const items = ['el-capitan-scardconnect', 'el-capitan-scardtransmit', 'status-after-reset', 'transmit-after-card-removed'].map((id) => ({ id }));
  assert.equal(parseId('--scenario', ' Status-After-Reset ', items, 'sc-repro scenarios').id, 'status-after-reset');
  assert.deepEqual(closestIds('el-capitan-scardconect', items.map((i) => i.id)), ['el-capitan-scardconnect']);
  assert.deepEqual(closestIds('el-capitan', items.map((i) => i.id)), ['el-capitan-scardconnect', 'el-capitan-scardtransmit']);
  assert.deepEqual(closestIds('nope', items.map((i) => i.id)), []);
  assert.throws(() => parseId('--only', 'transmit-after-removed', items, 'sc-repro scenarios'), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, "--only: no scenario 'transmit-after-removed'; did you mean transmit-after-card-removed? `sc-repro scenarios` lists all 4");
    return true;
  });
});
