import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import {
  closestIds,
  MAX_SECONDS,
  parseChoice,
  parseCount,
  parseEnvAssignment,
  parseId,
  parseOutputPath,
  parseOutputPaths,
  parsePort,
  parseReaderSelector,
  parseSeconds,
  parseSecondsAtLeast,
} from '../../src/cli/options.js';

test('--hold accepts plain positive seconds', () => {
  assert.equal(parseSeconds('--hold', '10'), 10);
  assert.equal(parseSeconds('--hold', '0.5'), 0.5);
  assert.equal(parseSeconds('--hold', ' 3 '), 3);
});

test('--hold rejects everything else with a UsageError naming the flag', () => {
  for (const value of ['abc', '-1', '0', '0.0', 'NaN', 'Infinity', '1e3', '10s', '5 min', '', '1,5', '86401', '99999999999']) {
    assert.throws(
      () => parseSeconds('--hold', value),
      (error: Error) => error instanceof UsageError && /^--hold /.test(error.message),
      value,
    );
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
    assert.throws(
      () => parseOutputPath(join(missing, 'report.md')),
      (error: Error) => error.message.includes(`the folder ${missing} does not exist`),
    );
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

test('--blocked-after has a floor, named in the message with the ceiling', () => {
  assert.equal(parseSecondsAtLeast('--blocked-after', '0.1', 0.1), 0.1);
  assert.throws(
    () => parseSecondsAtLeast('--blocked-after', '0.001', 0.1),
    /^UsageError: --blocked-after must be at least 0\.1 and at most 86400 seconds, got '0\.001'$/,
  );
  assert.throws(
    () => parseSecondsAtLeast('--blocked-after', '1e9', 0.1),
    /^UsageError: --blocked-after must be at least 0\.1 and at most 86400 seconds, got '1e9'$/,
  );
  assert.throws(
    () => parseSecondsAtLeast('--blocked-after', 'soon', 0.1),
    /^UsageError: --blocked-after expects a number of seconds such as 10 or 0\.5, at least 0\.1 and at most 86400 seconds, got 'soon'$/,
  );
});

test('a number of seconds out of range names the range, whichever way it is written', () => {
  assert.equal(MAX_SECONDS, 86_400);
  assert.equal(parseSeconds('--hold', '86400'), 86_400);
  const outOfRange = (value: string) => `--hold must be greater than 0 and at most 86400 seconds, got '${value}'`;
  for (const value of ['1e9', '86401', '99999999999', '0', '0.0', '-1', '-0.5']) {
    assert.throws(
      () => parseSeconds('--hold', value),
      (error: Error) => error instanceof UsageError && error.message === outOfRange(value),
      value,
    );
  }
  // Not a plain number of seconds: what is expected, and the range too.
  for (const value of ['abc', 'NaN', 'Infinity', '10s', '1e3', '1e-9', '0x10', '', '1,5']) {
    const expected = `--hold expects a number of seconds such as 10 or 0.5, greater than 0 and at most 86400 seconds, got '${value}'`;
    assert.throws(
      () => parseSeconds('--hold', value),
      (error: Error) => error instanceof UsageError && error.message === expected,
      value,
    );
  }
  assert.throws(
    () => parseSeconds('--wait-card', '100000'),
    /^UsageError: --wait-card must be greater than 0 and at most 86400 seconds, got '100000'$/,
  );
});

test('whole numbers and ports name their range', () => {
  assert.equal(parseCount('--repeat', '100000'), 100_000);
  for (const value of ['0', '100001', '1e9', '-3', '2.5', 'many']) {
    assert.throws(
      () => parseCount('--repeat', value),
      new RegExp(`^UsageError: --repeat expects a whole number from 1 to 100000, got '${value.replace('.', '\\.')}'$`),
      value,
    );
  }
  assert.equal(parsePort('--port', '35963'), 35_963);
  for (const value of ['0', '65536', '1e9', 'http']) {
    assert.throws(
      () => parsePort('--port', value),
      new RegExp(`^UsageError: --port expects a TCP port from 1 to 65535, got '${value}'$`),
      value,
    );
  }
});

test('several --output: each checked, in order; two naming one file are bad usage', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-outputs-'));
  const sameFile = (error: unknown) =>
    error instanceof UsageError &&
    /^--output \S+ names the same file as an earlier --output; give each report a file of its own$/.test(error.message);
  try {
    const md = join(folder, 'r.md');
    const json = join(folder, 'r.json');
    const targets = parseOutputPaths(json, parseOutputPaths(md));
    assert.deepEqual(
      targets.map((target) => target.path),
      [md, json],
    );
    // The same file by the same name, by another spelling of its path, or through a link to its folder or to itself.
    mkdirSync(join(folder, 'sub'));
    symlinkSync(folder, join(folder, 'link'));
    for (const again of [md, join(folder, 'sub', '..', 'r.md'), join(folder, 'link', 'r.md')]) {
      assert.throws(() => parseOutputPaths(again, targets), sameFile, again);
    }
    const existing = join(folder, 'existing.txt');
    writeFileSync(existing, 'kept');
    symlinkSync(existing, join(folder, 'alias.txt'));
    assert.throws(() => parseOutputPaths(join(folder, 'alias.txt'), parseOutputPaths(existing)), sameFile);
    // Each one is checked as a single --output is.
    assert.throws(() => parseOutputPaths(join(folder, 'missing', 'r.txt'), targets), /the folder \S+ does not exist/);
    assert.throws(() => parseOutputPaths('', targets), /--output expects a file name, got an empty value/);
    assert.equal(existsSync(md) || existsSync(json), false, 'the checks left probe files behind');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('scenario ids: exact (case-insensitive) or a one-line error naming the closest ids', () => {
  const items = ['el-capitan-scardconnect', 'el-capitan-scardtransmit', 'status-after-reset', 'transmit-after-card-removed'].map((id) => ({
    id,
  }));
  assert.equal(parseId('--scenario', ' Status-After-Reset ', items, 'sc-repro scenarios').id, 'status-after-reset');
  assert.deepEqual(
    closestIds(
      'el-capitan-scardconect',
      items.map((i) => i.id),
    ),
    ['el-capitan-scardconnect'],
  );
  assert.deepEqual(
    closestIds(
      'el-capitan',
      items.map((i) => i.id),
    ),
    ['el-capitan-scardconnect', 'el-capitan-scardtransmit'],
  );
  assert.deepEqual(
    closestIds(
      'nope',
      items.map((i) => i.id),
    ),
    [],
  );
  assert.throws(
    () => parseId('--only', 'transmit-after-removed', items, 'sc-repro scenarios'),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        "--only: no scenario 'transmit-after-removed'; did you mean transmit-after-card-removed? `sc-repro scenarios` lists all 4",
      );
      return true;
    },
  );
});
