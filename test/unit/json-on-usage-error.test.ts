// A usage error still owes a --json caller its one object: which command the
// words name, and whether they ask for JSON, is read before commander has
// parsed them (a bad option can stop it before --json or the command).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, jsonRequestedBy } from '../../src/cli/main.js';

const requested = (...words: string[]) => jsonRequestedBy(['node', 'sc-repro', ...words], buildProgram());

test('the command that takes --json is found wherever --json stands after it', () => {
  assert.equal(requested('repro', '--json'), 'repro');
  assert.equal(requested('repro', '--blocked-after', '0.001', '--json'), 'repro');
  assert.equal(requested('matrix', '--only', 'nope', '--json'), 'matrix');
  assert.equal(requested('scenarios', 'nope', '--json'), 'scenarios');
  assert.equal(requested('lock', '--json', '--bogus'), 'lock');
  assert.equal(requested('connect', '--json'), 'connect');
  assert.equal(requested('readers', '--json'), 'readers');
});

test('global options and their values come before the command', () => {
  assert.equal(requested('--binding', 'bogus', 'readers', '--json'), 'readers');
  assert.equal(requested('--pcsc-library', 'repro', 'connect', '--json'), 'connect');
  assert.equal(requested('--no-color', '--binding=ffi', 'matrix', '--json'), 'matrix');
});

test('no JSON unless the command takes --json and the words ask for it', () => {
  assert.equal(requested('repro', '--markdown'), null);
  assert.equal(requested('repro', '--', '--json'), null);
  assert.equal(requested('--json', 'repro'), null);
  assert.equal(requested('virtual-card', '--json'), null);
  assert.equal(requested('schema', '--json'), null);
  assert.equal(requested('frobnicate', '--json'), null);
  assert.equal(requested(), null);
});
