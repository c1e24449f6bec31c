import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, UsageError } from '../../src/core/errors.js';
import { selectReader } from '../../src/pcsc/select-reader.js';

const READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Gemalto PC Twin Reader 00 00'];

test('index, exact name and unique fragment', () => {
  assert.equal(selectReader(READERS), 'Virtual PCD 00 00');
  assert.equal(selectReader(READERS, { index: 2 }), 'Gemalto PC Twin Reader 00 00');
  assert.equal(selectReader(READERS, { name: 'virtual pcd 00 01' }), 'Virtual PCD 00 01');
  assert.equal(selectReader(READERS, { name: 'gemalto' }), 'Gemalto PC Twin Reader 00 00');
});

test('an exact name wins over partial matches that would be ambiguous', () => {
  assert.equal(selectReader(['PCD', 'PCD 2'], { name: 'pcd' }), 'PCD');
});

test('several partial matches are a usage error listing them', () => {
  assert.throws(
    () => selectReader(READERS, { name: 'Virtual' }),
    (error: Error) => error instanceof UsageError && /matches 2 readers/.test(error.message) && /00 01/.test(error.message),
  );
});

test('no match is an environment error that lists the readers', () => {
  assert.throws(
    () => selectReader(READERS, { name: 'Yubikey' }),
    (error: Error) =>
      error instanceof EnvironmentError && /no reader matches "Yubikey"; readers: 0: "Virtual PCD 00 00"/.test(error.message),
  );
});

test('a reader that is not there is the environment, by index as by name; no readers at all too', () => {
  assert.throws(
    () => selectReader(READERS, { index: 3 }),
    (error: Error) =>
      error instanceof EnvironmentError && /^no reader 3: there are 3; readers: 0: "Virtual PCD 00 00", 1: /.test(error.message),
  );
  assert.throws(() => selectReader([]), EnvironmentError);
  assert.throws(() => selectReader(READERS, { name: 'PCD' }), UsageError);
});
