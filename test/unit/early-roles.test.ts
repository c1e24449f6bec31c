// The start-up fast path reads the command line before commander does, to
// start the roles of `repro` and `matrix` at once. It must name the command
// as commander will, give each role the environment the CLI would, and give
// up (null) on anything it cannot be sure of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earlyRoleEnvs, GLOBAL_ROLE_SETTINGS, VPCD_PORT_VARIABLE } from '../../src/cli/early-roles.js';
import { buildProgram } from '../../src/cli/main.js';
import { VPCD_PORT_ENV } from '../../src/virtual-card/vpcd-card.js';

const envs = (...words: string[]) => earlyRoleEnvs(['node', 'sc-repro', ...words]);

test('repro and matrix start roles with nothing added to their environment', () => {
  assert.deepEqual(envs('repro'), { holder: {}, contender: {} });
  assert.deepEqual(envs('matrix', '--only', 'el-capitan-scardconnect', '--json'), { holder: {}, contender: {} });
  assert.deepEqual(envs('repro', '--reader', 'Virtual PCD 00 00', '-n', '3', '-o', 'r.json'), { holder: {}, contender: {} });
});

test('the global options set what both roles inherit, as the CLI sets them', () => {
  const both = { SC_REPRO_BINDING: 'ffi', SC_REPRO_PCSC_LIBRARY: '/lib/x.so', NO_COLOR: '1' };
  assert.deepEqual(envs('--binding', ' FFI ', '--pcsc-library', '/lib/x.so', '--no-color', 'repro'), { holder: both, contender: both });
  assert.deepEqual(envs('--binding=ffi', '--pcsc-library=/lib/x.so', '--no-color', 'matrix'), { holder: both, contender: both });
});

test('--holder-env and --contender-env go to their own role only', () => {
  assert.deepEqual(envs('repro', '--holder-env', 'A=1', '--contender-env=B=2=3', '--holder-env', 'C='), {
    holder: { A: '1', C: '' },
    contender: { B: '2=3' },
  });
});

test('--virtual starts the roles too, and --vpcd-port gives both the port the CLI puts in its environment', () => {
  assert.deepEqual(envs('repro', '--virtual'), { holder: {}, contender: {} });
  const port = { [VPCD_PORT_ENV]: '35964' };
  assert.equal(VPCD_PORT_VARIABLE, VPCD_PORT_ENV);
  assert.deepEqual(envs('matrix', '--json', '--vpcd-port', '35964'), { holder: port, contender: port });
  assert.deepEqual(envs('matrix', '--vpcd-port=35964', '--virtual'), { holder: port, contender: port });
});

test('anything else is left to the CLI: no roles are started', () => {
  for (const words of [
    [],
    ['readers'],
    ['lock', '--hold', '1'],
    ['help', 'repro'],
    ['--version'],
    ['-V', 'repro'],
    ['--bogus', 'repro'],
    ['--binding'],
    ['repro', '--help'],
    ['matrix', '-h'],
    ['repro', '--', 'x'],
    ['repro', '--holder-env', 'NO_EQUALS'],
    ['repro', '--contender-env'],
    ['repro', '--holder-env', '1A=x'],
    ['matrix', '--vpcd-port', 'x'],
    ['matrix', '--vpcd-port=035964'],
    ['matrix', '--vpcd-port'],
  ])
    assert.equal(envs(...words), null, words.join(' '));
});

test('the global options read here are every global option that the roles inherit through a variable', () => {
  const program = buildProgram();
  const withVariable = program.options.filter((option) => option.envVar).map((option) => [option.long, option.envVar]);
  assert.deepEqual(Object.fromEntries(withVariable), GLOBAL_ROLE_SETTINGS);
  const globalFlags = program.options.map((option) => option.long);
  assert.ok(globalFlags.includes('--no-color'));
});
