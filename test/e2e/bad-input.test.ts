// Bad input: one line on stderr, exit 64, never a stack trace, and no PC/SC
// work started (these run without a card or reader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const CASES: [string[], RegExp][] = [
  [['lock', '--hold', 'abc'], /--hold expects a number of seconds/],
  [['lock', '--hold', '-1'], /--hold/],
  [['lock', '--hold', '0'], /--hold must be greater than 0/],
  [['lock', '--hold', 'NaN'], /--hold/],
  [['lock', '--hold', '10s'], /--hold expects a number/],
  [['lock', '--hold', '1e9'], /--hold/],
  [['lock', '--hold', '999999999'], /at most 86400/],
  [['lock', '--mode', 'foo'], /--mode must be one of exclusive, shared, direct, got 'foo'/],
  [['connect', '--mode', 'exclusve'], /--mode must be one of/],
  [['connect', '--protocol', 't2'], /--protocol must be one of any, t0, t1, raw/],
  [['connect', '--reader', ''], /--reader expects/],
  [['connect', '--bogus'], /unknown option '--bogus'/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['repro', '--scenario', 'nope'], /--scenario must be one of .*el-capitan-scardconnect.*, got 'nope'/],
  [['repro', '--timeout', '0'], /--timeout/],
  [['repro', '--json', '--markdown'], /cannot be used with option/],
  [['repro', '--virtual', '--reader', '1'], /cannot be used with option/],
  [['repro', '--contender-env', 'NOEQUALS'], /--contender-env expects KEY=VALUE/],
  [['repro', '--output', '/nonexistent-dir/report.md'], /does not exist or is not writable/],
  [['virtual-card', '--port', '70000'], /--port expects a TCP port/],
  [['repro', '--repeat', '0'], /--repeat/],
  [['repro', '--repeat', '2.5'], /--repeat/],
  [['repro', '--blocked-after', 'soon'], /--blocked-after/],
  [['matrix', '--only', 'nope'], /--only must be one of .*, got 'nope'/],
  [['matrix', '--only', ','], /--only needs at least one scenario id/],
  [['matrix', '--repeat', '-3'], /--repeat/],
  [['matrix', '--json', '--markdown'], /cannot be used with option/],
  [['scenarios', '--bogus'], /unknown option '--bogus'/],
];

for (const [args, message] of CASES) {
  test(`sc-repro ${args.join(' ')} → exit 64`, async () => {
    const result = await runCli(args);
    assert.equal(result.code, 64, result.stdout + result.stderr);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^sc-repro: error: /);
    assert.match(lines[0]!, message);
    assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/);
  });
}

test('--help and --version exit 0', async () => {
  const help = await runCli(['repro', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /not-affected \(0\), bug-reproduced \(1\), unexpected \(1\), inconclusive \(2\)/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});
