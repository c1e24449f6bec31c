// Bad input: one line on stderr that ends by pointing at the command's help,
// exit 64, never a stack trace. Most cases
// fail before any PC/SC work; the --reader ones need the reader list, so the
// service runs (with no card: nothing is ever held).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { jsonOutput, runCli } from '../support/cli.js';
import { useStack } from '../support/pcsc-stack.js';

await useStack({ before, after }, { card: false });

const CASES: [string[], RegExp][] = [
  [['lock', '--hold', 'abc'], /--hold expects a number of seconds/],
  [['lock', '--hold', '-1'], /--hold/],
  [['lock', '--hold', '0'], /--hold must be greater than 0/],
  [['lock', '--hold', 'NaN'], /--hold/],
  [['lock', '--hold', '10s'], /--hold expects a number/],
  [['lock', '--hold', '1e9'], /--hold must be greater than 0 and at most 86400 seconds, got '1e9'/],
  [['lock', '--hold', '999999999'], /at most 86400/],
  [['lock', '--mode', 'foo'], /--mode must be one of exclusive, shared, direct, got 'foo'/],
  [['connect', '--mode', 'exclusve'], /--mode must be one of/],
  [['connect', '--protocol', 't2'], /--protocol must be one of any, t0, t1, raw/],
  [['connect', '--reader', ''], /--reader expects/],
  [['connect', '--bogus'], /unknown option '--bogus'/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['repro', '--scenario', 'nope'], /--scenario: no scenario 'nope'; `sc-repro scenarios` lists all \d+; see `sc-repro repro --help`$/],
  [
    ['repro', '--scenario', 'el-capitan-scardconect'],
    /--scenario: no scenario 'el-capitan-scardconect'; did you mean el-capitan-scardconnect\?/,
  ],
  [['scenarios', 'status-after-reset', 'nope'], /scenarios: no scenario 'nope'/],
  [['repro', '--timeout', '0'], /--timeout/],
  [['repro', '--json', '--markdown'], /cannot be used with option/],
  [['repro', '--virtual', '--reader', '1'], /cannot be used with option/],
  [['repro', '--contender-env', 'NOEQUALS'], /--contender-env expects KEY=VALUE/],
  [['repro', '--output', '/nonexistent-dir/report.md'], /the folder \/nonexistent-dir does not exist/],
  [['virtual-card', '--port', '70000'], /--port expects a TCP port/],
  [['repro', '--repeat', '0'], /--repeat/],
  [['repro', '--repeat', '2.5'], /--repeat/],
  [['repro', '--blocked-after', 'soon'], /--blocked-after/],
  [['matrix', '--only', 'nope'], /--only: no scenario 'nope'/],
  [['matrix', '--only', ','], /--only needs at least one scenario id/],
  [['matrix', '--repeat', '-3'], /--repeat/],
  [['matrix', '--json', '--markdown'], /cannot be used with option/],
  [['scenarios', '--bogus'], /unknown option '--bogus'/],
  [['lock', '--hold', ''], /--hold expects a number/],
  [['lock', '--hold', 'Infinity'], /--hold expects a number/],
  [['lock', '--hold', '1,5'], /--hold expects a number/],
  [['lock', '--hold', '0x10'], /--hold expects a number/],
  [['lock', '--hold', '1h'], /--hold expects a number/],
  [['lock', '--hold'], /option '--hold <seconds>' argument missing/],
  [['lock', '--mode', ''], /--mode must be one of/],
  [['connect', '--protocol', ''], /--protocol must be one of/],
  [['connect', 'extra'], /too many arguments for 'connect'/],
  [['connect', '--wait-card', '-5'], /--wait-card/],
  [['lock', '--wait-card', 'forever'], /--wait-card expects a number/],
  [['readers', '--reader', '0'], /unknown option '--reader'/],
  [['repro', '--timeout', '-1'], /--timeout/],
  [['repro', '--hold', '2 s'], /--hold expects a number/],
  [['repro', '--repeat', 'many'], /--repeat expects a whole number/],
  [['repro', '--repeat', '1000001'], /--repeat expects a whole number from 1 to 100000/],
  [['repro', '--holder-env', 'LD_PRELOAD'], /--holder-env expects KEY=VALUE/],
  [['repro', '--contender-env', '=x'], /--contender-env expects KEY=VALUE/],
  [['repro', '--output', ''], /--output expects a file name/],
  [['repro', '--output', '.'], /--output \. is a folder/],
  [['repro', '--output', '/proc/sc-repro-report.md'], /cannot write there/],
  [['repro', '--scenario'], /argument missing/],
  [['matrix', '--scenario', 'el-capitan-scardconnect'], /unknown option '--scenario'/],
  [['virtual-card', '--port', '0'], /--port expects a TCP port/],
  [['virtual-card', '--port', 'abc'], /--port expects a TCP port/],
  // These need the reader list, so they run against the real service.
  [['connect', '--reader', 'virtual'], /--reader "virtual" matches 2 readers; pick one: 0: "Virtual PCD 00 00", 1: "Virtual PCD 00 01"/],
  [['matrix', '--reader', 'PCD'], /--reader "PCD" matches 2 readers/],
  // With --json, the same line on stderr and one object on stdout, wherever the error stops parsing.
  [['repro', '--blocked-after', '0.001', '--json'], /--blocked-after must be at least 0\.1 and at most 86400 seconds, got '0\.001'/],
  [['matrix', '--json', '--only', 'nope'], /--only: no scenario 'nope'/],
  [['scenarios', 'nope', '--json'], /scenarios: no scenario 'nope'/],
  [['lock', '--json', '--bogus'], /unknown option '--bogus'/],
  [['--binding', 'bogus', 'readers', '--json'], /--binding must be one of auto, pcsclite, ffi, got 'bogus'/],
  [['connect', '--json', '--reader', 'virtual'], /--reader "virtual" matches 2 readers/],
  [['virtual-card', '--json'], /unknown option '--json'/],
  [['help', 'nope'], /help: no command 'nope'/],
  [['completion', 'tcsh'], /the shell must be one of bash, zsh, fish, powershell, got 'tcsh'/],
  [['completion'], /missing required argument 'shell'/],
];

const COMMANDS = ['repro', 'matrix', 'scenarios', 'lock', 'connect', 'readers', 'virtual-card', 'completion'];
/** The help a usage error points at: the command's, or the program's when no command (or `help`) was named. */
function helpPointer(args: string[]): string {
  const command = args.find((word) => COMMANDS.includes(word));
  return `; see \`sc-repro ${command ? `${command} ` : ''}--help\``;
}

/** The command a --json usage error speaks for: the first word that is a command taking --json. */
function jsonCommand(args: string[]): string | null {
  const command = args.find((word) => ['repro', 'matrix', 'scenarios', 'lock', 'connect', 'readers'].includes(word));
  return command && args.includes('--json') ? command : null;
}

for (const [args, message] of CASES) {
  test(`sc-repro ${args.join(' ')} → exit 64`, async () => {
    const result = await runCli(args);
    assert.equal(result.code, 64, result.stdout + result.stderr);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^sc-repro: error: /);
    assert.match(lines[0]!, message);
    assert.ok(lines[0]!.endsWith(helpPointer(args)), `${lines[0]} ends with ${helpPointer(args)}`);
    const command = jsonCommand(args);
    if (command) {
      const json = jsonOutput(result.stdout);
      assert.deepEqual([json.command, json.ok, json.exitCode], [command, false, 64]);
      assert.equal(`sc-repro: error: ${json.message}`, lines[0]);
    } else {
      assert.equal(result.stdout, '');
    }
    assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/);
  });
}

test("help <command> is that command's help; help alone is the program's", async () => {
  const lock = await runCli(['help', 'lock']);
  assert.equal(lock.code, 0, lock.stderr);
  assert.match(lock.stdout, /^Usage: sc-repro lock /);
  assert.match(lock.stdout, /Global Options:[\s\S]*--binding <name>/);
  const all = await runCli(['help']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^Usage: sc-repro \[options\] \[command\]/);
});

test('--help and --version exit 0', async () => {
  const help = await runCli(['repro', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /not-affected \(0\), bug-reproduced \(1\), unexpected \(1\), inconclusive \(2\)/);
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});
