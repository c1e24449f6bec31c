// `repro` and `matrix` start their two role processes before the CLI has
// parsed its command line (src/cli/early-roles.ts). A command line that then
// turns out to be bad usage must still be one line and exit 64, and no role
// process may outlive the CLI: each run is marked with a variable of its own,
// which role processes inherit, and the process table is searched for it once
// the CLI is gone (test/support/process-table.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

const CASES: [string[], RegExp][] = [
  [['repro', '--hold', 'abc'], /--hold expects a number of seconds/],
  [['repro', '--json', '--timeout', '0'], /--timeout must be greater than 0/],
  [['repro', '--bogus'], /unknown option '--bogus'/],
  [['repro', '--virtual', '--reader', '0'], /cannot be used with/],
  [['repro', '--holder-env', 'LD_PRELOAD=/nowhere.so', '--repeat', 'x'], /--repeat/],
  [['matrix', '--only', 'nope'], /--only: no scenario 'nope'/],
  [['--binding', 'nope', 'matrix', '--virtual'], /--binding must be one of/],
  [['--no-color', 'matrix', '--output', '/nonexistent-folder/m.json'], /nonexistent-folder/],
];

for (const [args, message] of CASES) {
  test(`sc-repro ${args.join(' ')}: one line, exit 64, no role process left`, { skip: process.platform !== 'linux' }, async () => {
    const { env, marker } = markedEnv();
    const result = await runCli(args, { env });
    assert.equal(result.code, 64, result.stderr);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, message);
    assert.deepEqual(processesWithMarker(marker), []);
  });
}
