// Shell completion is generated from the commander program and the scenario
// catalog: every script names every command, option, scenario id and share
// mode, a command added to the program shows up without a list kept by hand,
// the bash script, run in bash, completes what a person types, and each
// script parses in its shell where that shell is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Option } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { completes, completionSpec } from '../../src/cli/completion-spec.js';
import { SHARE_MODES, PROTOCOL_CHOICES } from '../../src/pcsc/constants.js';
import { BINDING_NAMES } from '../../src/pcsc/load-binding.js';
import { SCENARIOS } from '../../src/scenarios/catalog.js';
import { COMPLETION_SHELLS, completionScript, type CompletionSpec } from '../../src/render/completion.js';

const program = buildProgram();
const spec = completionSpec(program);
const COMMANDS = program.commands.map((command) => command.name());
const hasWord = (script: string, word: string) =>
  new RegExp(`(^|[\\s'"(|@=])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s'"),|:;=])`, 'm').test(script);

test('the spec is the program: every command, its options, and the lists their values come from', () => {
  assert.deepEqual(
    spec.commands.map((command) => command.name),
    COMMANDS,
  );
  for (const name of ['repro', 'matrix', 'scenarios', 'lock', 'connect', 'readers', 'completion', 'help'])
    assert.ok(COMMANDS.includes(name), name);
  const option = (command: string, flag: string) =>
    spec.commands.find(({ name }) => name === command)!.options.find(({ flags }) => flags.includes(flag))!;
  assert.deepEqual(
    option('repro', '--scenario').values,
    SCENARIOS.map(({ id }) => id),
  );
  assert.deepEqual(
    option('matrix', '--only').values,
    SCENARIOS.map(({ id }) => id),
  );
  assert.deepEqual(option('lock', '--mode').values, Object.keys(SHARE_MODES));
  assert.deepEqual(option('connect', '--protocol').values, [...PROTOCOL_CHOICES]);
  assert.equal(option('repro', '--output').values, 'files');
  assert.equal(option('repro', '--hold').values, null);
  assert.deepEqual(spec.options.find(({ flags }) => flags.includes('--binding'))!.values, ['auto', ...BINDING_NAMES]);
  assert.deepEqual(
    spec.commands.find(({ name }) => name === 'scenarios')!.operands,
    SCENARIOS.map(({ id }) => id),
  );
  assert.deepEqual(spec.commands.find(({ name }) => name === 'help')!.operands, COMMANDS);
  assert.deepEqual(spec.commands.find(({ name }) => name === 'completion')!.operands, [...COMPLETION_SHELLS]);
});

for (const shell of COMPLETION_SHELLS) {
  test(`the ${shell} script names every command, option, scenario id, share mode and binding`, () => {
    const script = completionScript(shell, spec);
    const flags = [...spec.options, ...spec.commands.flatMap((command) => command.options)].flatMap((option) => option.flags);
    const fishFlag = (flag: string) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
    for (const word of [
      ...COMMANDS,
      ...SCENARIOS.map(({ id }) => id),
      ...Object.keys(SHARE_MODES),
      ...PROTOCOL_CHOICES,
      ...BINDING_NAMES,
    ]) {
      assert.ok(hasWord(script, word), `${shell}: ${word}`);
    }
    for (const flag of flags) assert.ok(shell === 'fish' ? script.includes(fishFlag(flag)) : hasWord(script, flag), `${shell}: ${flag}`);
    assert.match(script, /sc-repro completion /, 'it says how to install itself');
  });
}

test('a command or a value list added to the program shows up in every script', () => {
  const extended = buildProgram();
  extended
    .command('frobnicate')
    .description('a command nobody listed')
    .addOption(completes(new Option('--flavour <name>', 'which flavour'), ['vanilla-bean', 'pistachio']));
  const scripts = COMPLETION_SHELLS.map((shell) => completionScript(shell, completionSpec(extended)));
  for (const script of scripts) for (const word of ['frobnicate', 'vanilla-bean', 'pistachio']) assert.ok(hasWord(script, word), word);
  for (const script of COMPLETION_SHELLS.map((shell) => completionScript(shell, spec))) assert.ok(!hasWord(script, 'frobnicate'));
});

test('descriptions are quoted for each shell; a word that is not plain is refused', () => {
  const quoted: CompletionSpec = {
    program: 'sc-repro',
    description: '',
    options: [{ flags: ['--x'], description: `it's a back\\slash and \u2019curly\u2018 quotes`, takesValue: false, values: null }],
    commands: [{ name: 'go', description: `the holder's "turn"`, options: [], operands: null }],
  };
  assert.ok(completionScript('bash', quoted).includes('go'));
  assert.ok(completionScript('zsh', quoted).includes(`'go:the holder'\\''s "turn"'`));
  assert.ok(completionScript('fish', quoted).includes(`-d 'it\\'s a back\\\\slash and \u2019curly\u2018 quotes'`));
  assert.ok(completionScript('powershell', quoted).includes(`'it''s a back\\slash and \u2019\u2019curly\u2018\u2018 quotes'`));
  const spaced: CompletionSpec = { ...quoted, commands: [{ name: 'go', description: '', options: [], operands: ['two words'] }] };
  for (const shell of COMPLETION_SHELLS) assert.throws(() => completionScript(shell, spaced), /plain/);
});

const bash = spawnSync('bash', ['--version'], { encoding: 'utf8' });

test('in bash: sc-repro rep<TAB> is repro, --scenario el<TAB> the El Capitan ids, --mode the share modes', {
  skip: bash.status !== 0 && 'no bash here',
}, () => {
  const harness = `
${completionScript('bash', spec)}
complete -p sc-repro
c() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _sc_repro; echo "\${COMPREPLY[*]}"; }
c sc-repro rep
c sc-repro repro --scenario el
c sc-repro --binding ffi repro -s el
c sc-repro lock --mode ''
c sc-repro connect --pro
c sc-repro --binding ''
c sc-repro scenarios el-capitan-scardc
c sc-repro repro --hold ''
`;
  const run = spawnSync('bash', ['--noprofile', '--norc', '-c', harness], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  const [registered, ...replies] = run.stdout.split('\n').slice(0, -1);
  assert.equal(registered, 'complete -F _sc_repro sc-repro');
  const elCapitan = SCENARIOS.map(({ id }) => id)
    .filter((id) => id.startsWith('el'))
    .join(' ');
  assert.ok(elCapitan.includes('el-capitan-scardconnect'));
  assert.deepEqual(replies, [
    'repro',
    elCapitan,
    elCapitan,
    Object.keys(SHARE_MODES).join(' '),
    '--protocol',
    ['auto', ...BINDING_NAMES].join(' '),
    'el-capitan-scardconnect',
    '',
  ]);
});

/** How each shell checks a script's syntax without running it, where that shell is installed. */
const SYNTAX_CHECKS: Record<(typeof COMPLETION_SHELLS)[number], { program: string; args: (file: string) => string[] }> = {
  bash: { program: 'bash', args: (file) => ['--noprofile', '--norc', '-n', file] },
  zsh: { program: 'zsh', args: (file) => ['--no-rcs', '-n', file] },
  fish: { program: 'fish', args: (file) => ['--no-config', '--no-execute', file] },
  powershell: {
    program: 'pwsh',
    args: (file) => [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      `$errors = $null; [void][System.Management.Automation.Language.Parser]::ParseFile('${file.replace(/'/g, "''")}', [ref]$null, [ref]$errors); $errors | ForEach-Object { $_.Message }; exit $errors.Count`,
    ],
  },
};

for (const shell of COMPLETION_SHELLS) {
  const { program: shellProgram, args } = SYNTAX_CHECKS[shell];
  const installed = spawnSync(shellProgram, ['--version'], { encoding: 'utf8' }).status === 0;
  test(`the ${shell} script parses in ${shellProgram}`, { skip: !installed && `${shellProgram} is not installed here` }, () => {
    const folder = mkdtempSync(join(tmpdir(), 'sc-repro-completion-'));
    try {
      const file = join(folder, `sc-repro.${shell}`);
      writeFileSync(file, completionScript(shell, spec));
      const check = spawnSync(shellProgram, args(file), { encoding: 'utf8' });
      assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
      assert.equal(check.stderr, '');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
}
