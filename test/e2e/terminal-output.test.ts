// What a person at a terminal sees: colour unless --no-color (or NO_COLOR),
// the spinner included; on a dumb terminal (TERM=dumb) no escape sequence at
// all, a line per state instead; and an inconclusive reason once, not once in
// the report and again on stderr. In a pipe, stderr still says why, where
// scripts and logs look.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { runCli } from '../support/cli.js';
import { terminalRun } from '../support/terminal.js';

// No card: repro is inconclusive at once.
await useStack({ before, after }, { card: false });

const REASON = 'the holder could not take the reader: SCARD_E_NO_SMARTCARD';
const count = (text: string, part: string) => text.split(part).length - 1;

test('on a terminal an inconclusive reason shows once', async () => {
  const { code, shown } = await terminalRun(['repro', '--reader', VIRTUAL_READER]);
  assert.equal(code, 2, shown);
  assert.equal(count(shown, REASON), 1, shown);
  assert.match(shown, /INCONCLUSIVE {2}the holder could not take the reader/);
});

test('in a pipe the report says why on stdout, and stderr says it once too', async () => {
  const result = await runCli(['repro', '--reader', VIRTUAL_READER]);
  assert.equal(result.code, 2);
  assert.equal(count(result.stdout, REASON), 1, result.stdout);
  assert.equal(count(result.stderr, REASON), 1, result.stderr);
  assert.match(result.stderr, /^sc-repro: inconclusive: the holder could not take the reader/);
});

test('--no-color and NO_COLOR turn colour off on a terminal that has it', async () => {
  const colourful = { TERM: 'xterm-256color', NO_COLOR: '', FORCE_COLOR: '' };
  const coloured = await terminalRun(['scenarios'], colourful);
  assert.equal(coloured.code, 0);
  assert.match(coloured.shown, /\u001b\[1m/, 'the scenario ids are bold on a colour terminal');
  for (const [args, env] of [
    [['--no-color', 'scenarios'], colourful],
    [['scenarios'], { ...colourful, NO_COLOR: '1' }],
  ] as const) {
    const plain = await terminalRun([...args], env);
    assert.equal(plain.code, 0);
    assert.doesNotMatch(plain.shown, /\u001b\[/, `${args.join(' ')}: ${JSON.stringify(plain.shown.slice(0, 200))}`);
    assert.equal(plain.shown.replace(/\r/g, ''), coloured.shown.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, ''));
  }
});

// ora's frames: the spinner drew at least once.
const FRAME = /[\u2800-\u28ff]/;
const SGR = /\u001b\[[0-9;]*m/;
const colourful = { TERM: 'xterm-256color', NO_COLOR: '', FORCE_COLOR: '' };

test('a colour terminal gets a coloured spinner while repro runs', async () => {
  const { code, shown } = await terminalRun(['repro', '--virtual'], colourful);
  assert.equal(code, 0, shown);
  assert.match(shown, FRAME, shown);
  assert.match(shown, /\u001b\[36m[\u2800-\u28ff]/, 'the frames are cyan');
  assert.match(shown, /NOT-AFFECTED/);
});

test('NO_COLOR and --no-color: the spinner still spins, and nothing is coloured, its frames included', async () => {
  for (const [args, env] of [
    [['repro', '--virtual'], { ...colourful, NO_COLOR: '1' }],
    [['--no-color', 'repro', '--virtual'], colourful],
  ] as const) {
    const { code, shown } = await terminalRun([...args], env);
    assert.equal(code, 0, shown);
    assert.match(shown, FRAME, `${args.join(' ')}: the spinner spins`);
    assert.doesNotMatch(shown, SGR, `${args.join(' ')}: ${JSON.stringify(shown.match(new RegExp(`.{0,40}${SGR.source}.{0,40}`))?.[0])}`);
    assert.match(shown, /NOT-AFFECTED/);
  }
});

test('TERM=dumb: no escape sequence at all, and a plain line per state instead of a spinner', async () => {
  // FORCE_COLOR set, as a CI image or a user's profile may have it: a dumb terminal still gets none.
  const { code, shown } = await terminalRun(['repro', '--virtual'], { ...colourful, TERM: 'dumb' });
  assert.equal(code, 0, shown);
  assert.equal(
    shown.indexOf('\u001b'),
    -1,
    JSON.stringify(shown.slice(Math.max(0, shown.indexOf('\u001b') - 40), shown.indexOf('\u001b') + 40)),
  );
  assert.equal(shown.indexOf('\u009b'), -1, 'no 8-bit CSI either');
  assert.doesNotMatch(shown, FRAME);
  const lines = shown.replace(/\r/g, '').split('\n');
  assert.ok(lines.includes('preparing'), shown);
  assert.match(shown, /NOT-AFFECTED/);
  // States, not redraws: no state line is printed twice in a row.
  const progress = lines.slice(
    0,
    lines.findIndex((line) => /NOT-AFFECTED/.test(line)),
  );
  assert.ok(progress.length >= 2, `more than one state shown: ${JSON.stringify(progress)}`);
  for (const [index, line] of progress.entries()) assert.notEqual(line, progress[index - 1], JSON.stringify(progress));
});
