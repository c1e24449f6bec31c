// Hostile reader names through every renderer. Drivers and reader.conf choose
// reader names, and pcsc-lite passes them on untouched, newlines included (an
// unclosed quote in reader.conf keeps one). Text shows a name verbatim unless
// it would forge a line or drive the terminal; markdown keeps it in its cell;
// JSON round-trips it. The same names through a real pcscd:
// test/e2e/hostile-reader-names.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildMatrixReport, buildReport, shellQuote, type MatrixReport } from '../../src/orchestrator/report.js';
import { RunTally } from '../../src/orchestrator/summary.js';
import { renderJson } from '../../src/render/json.js';
import type { RunResult } from '../../src/orchestrator/run-types.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { displayName } from '../../src/render/display-name.js';
import { code } from '../../src/render/markdown.js';
import { renderReaders } from '../../src/render/readers-text.js';
import { renderHolderEvent } from '../../src/render/lock-text.js';
import { renderContenderEvent } from '../../src/render/connect-text.js';
import { renderReproText } from '../../src/render/repro-text.js';
import { renderReproMarkdown } from '../../src/render/repro-markdown.js';
import { renderMatrixText } from '../../src/render/matrix-text.js';
import { renderMatrixMarkdown } from '../../src/render/matrix-markdown.js';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';

/**
 * A hostile name and what each renderer must make of it, written out: as text (`shown`), in a markdown
 * table cell and in a paragraph (code spans), and quoted for a POSIX shell.
 */
interface Hostile {
  name: string;
  shown: string;
  cell: string;
  inline: string;
  posix: string;
}

/** Odd but single-line: shown verbatim in text. */
const ODD_NAMES: Hostile[] = [
  {
    name: 'Lecteur été ✓ 00 00',
    shown: 'Lecteur été ✓ 00 00',
    cell: '`Lecteur été ✓ 00 00`',
    inline: '`Lecteur été ✓ 00 00`',
    posix: "'Lecteur été ✓ 00 00'",
  },
  {
    name: 'Say "hi" | `tick` ``` \\back *x* _y_ <b>&amp; 00 00',
    shown: 'Say "hi" | `tick` ``` \\back *x* _y_ <b>&amp; 00 00',
    // The longest backtick run inside is 3 and there is none of 2: a fence of 2.
    cell: '``Say "hi" \\| `tick` ``` \\back *x* _y_ <b>&amp; 00 00``',
    inline: '``Say "hi" | `tick` ``` \\back *x* _y_ <b>&amp; 00 00``',
    posix: '\'Say "hi" | `tick` ``` \\back *x* _y_ <b>&amp; 00 00\'',
  },
  {
    name: "it's $(rm -rf /) ; `id` 00 00",
    shown: "it's $(rm -rf /) ; `id` 00 00",
    cell: "``it's $(rm -rf /) ; `id` 00 00``",
    inline: "``it's $(rm -rf /) ; `id` 00 00``",
    posix: "'it'\\''s $(rm -rf /) ; `id` 00 00'",
  },
  {
    name: '读卡器 🔐 | 00 01',
    shown: '读卡器 🔐 | 00 01',
    cell: '`读卡器 🔐 \\| 00 01`',
    inline: '`读卡器 🔐 | 00 01`',
    posix: "'读卡器 🔐 | 00 01'",
  },
];
/** Names that would forge a line or drive the terminal. */
const BREAKING_NAMES: Hostile[] = [
  {
    name: 'Lecteur piégé\n 00 00',
    shown: '"Lecteur piégé\\n 00 00"',
    cell: '`Lecteur piégé\\u000a 00 00`',
    inline: '`Lecteur piégé\\u000a 00 00`',
    posix: "$'Lecteur piégé\\n 00 00'",
  },
  { name: 'CR\r 00 00', shown: '"CR\\r 00 00"', cell: '`CR\\u000d 00 00`', inline: '`CR\\u000d 00 00`', posix: "$'CR\\r 00 00'" },
  {
    name: 'Tab\there 00 00',
    shown: '"Tab\\there 00 00"',
    cell: '`Tab\\u0009here 00 00`',
    inline: '`Tab\\u0009here 00 00`',
    posix: "$'Tab\\there 00 00'",
  },
  {
    name: 'Esc \u001b[31mred\u001b[0m 00 00',
    shown: '"Esc \\u001b[31mred\\u001b[0m 00 00"',
    cell: '`Esc \\u001b[31mred\\u001b[0m 00 00`',
    inline: '`Esc \\u001b[31mred\\u001b[0m 00 00`',
    posix: "$'Esc \\u001b[31mred\\u001b[0m 00 00'",
  },
  {
    name: 'DEL \u007f and NEL \u0085 00 00',
    shown: '"DEL \\u007f and NEL \\u0085 00 00"',
    cell: '`DEL \\u007f and NEL \\u0085 00 00`',
    inline: '`DEL \\u007f and NEL \\u0085 00 00`',
    posix: "$'DEL \\u007f and NEL \\u0085 00 00'",
  },
  {
    name: 'Line sep \u2028 para sep \u2029 00 00',
    shown: '"Line sep \\u2028 para sep \\u2029 00 00"',
    cell: '`Line sep \\u2028 para sep \\u2029 00 00`',
    inline: '`Line sep \\u2028 para sep \\u2029 00 00`',
    posix: "$'Line sep \\u2028 para sep \\u2029 00 00'",
  },
  {
    name: 'Evil | `Reader` <b>\n*00* 00\r\nObserved   SCARD_S_SUCCESS',
    shown: '"Evil | `Reader` <b>\\n*00* 00\\r\\nObserved   SCARD_S_SUCCESS"',
    cell: '``Evil \\| `Reader` <b>\\u000a*00* 00\\u000d\\u000aObserved   SCARD_S_SUCCESS``',
    inline: '``Evil | `Reader` <b>\\u000a*00* 00\\u000d\\u000aObserved   SCARD_S_SUCCESS``',
    posix: "$'Evil | `Reader` <b>\\n*00* 00\\r\\nObserved   SCARD_S_SUCCESS'",
  },
  // A right-to-left override: "00 00 redaeR" would display as something else than what is stored.
  {
    name: 'Bidi \u202eredaeR\u202c 00 00',
    shown: '"Bidi \\u202eredaeR\\u202c 00 00"',
    cell: '`Bidi \\u202eredaeR\\u202c 00 00`',
    inline: '`Bidi \\u202eredaeR\\u202c 00 00`',
    posix: "$'Bidi \\u202eredaeR\\u202c 00 00'",
  },
];
const ODD = ODD_NAMES.map(({ name }) => name);
const BREAKING = BREAKING_NAMES.map(({ name }) => name);
const HOSTILE = [...ODD_NAMES, ...BREAKING_NAMES];
const ALL = [...ODD, ...BREAKING];

const environment = ENVIRONMENT;

const run = (name: string): RunResult => fixtureRun('SCARD_E_SHARING_VIOLATION', name);

// The command line as the CLI records it: quoted by the product for the shell it runs under.
const reproReport = (name: string) =>
  buildReport(elCapitanScardConnect, RunTally.of([run(name)]), environment, shellQuote(['sc-repro', 'repro', '--reader', name]));

function matrixReport(name: string): MatrixReport {
  const plan = {
    results: [{ scenario: elCapitanScardConnect, runs: RunTally.of([run(name)]) }],
    reader: name,
    startupMs: 200,
    totalMs: 1234,
    stoppedEarly: null,
    roleBindings: {},
  };
  return buildMatrixReport(plan, environment, shellQuote(['sc-repro', 'matrix', '--reader', name]));
}

/** No line break of any kind a terminal, editor or JavaScript would honour. */
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;

/** GFM splits a row on every `|` that is not escaped as `\|`. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** What a GFM renderer shows for a cell: pipes unescaped first, then backslash escapes, entities and <br>. */
function _shownInCell(cell: string): string {
  return cell
    .replace(/\\\|/g, '|')
    .replace(
      /\\([!-/:-@[-`{-~])|&(amp|lt|gt);|<br>/g,
      (_, escaped?: string, entity?: string) => escaped ?? (entity ? { amp: '&', lt: '<', gt: '>' }[entity]! : '\n'),
    );
}

function row(markdown: string, label: string): string {
  const found = markdown.split('\n').find((line) => line.startsWith(`| ${label} |`));
  assert.ok(found, `no ${label} row in\n${markdown}`);
  return found;
}

test('displayName: single-line names verbatim, whatever their characters; the others as one JSON-quoted line', () => {
  for (const { name, shown } of HOSTILE) assert.equal(displayName(name), shown, JSON.stringify(name));
  for (const name of ODD) assert.equal(displayName(name), name);
});

test('displayName: names with line breaks or controls as one JSON-quoted line that parses back', () => {
  for (const name of BREAKING) {
    const shown = displayName(name);
    assert.ok(!LINE_BREAK.test(shown), JSON.stringify(shown));
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(shown), JSON.stringify(shown));
    assert.ok(shown.startsWith('"') && shown.endsWith('"'), shown);
    assert.equal(JSON.parse(shown), name);
  }
  assert.equal(displayName('Lecteur piégé\n 00 00'), '"Lecteur piégé\\n 00 00"');
  assert.equal(displayName('Esc \u001b[31m'), '"Esc \\u001b[31m"');
  assert.equal(displayName('NEL \u0085 sep \u2028'), '"NEL \\u0085 sep \\u2028"');
  assert.equal(displayName('Bidi \u202eredaeR\u202c 00 00'), '"Bidi \\u202eredaeR\\u202c 00 00"');
});

test('readers as text: two lines per reader, odd names verbatim, breaking ones quoted', () => {
  const text = renderReaders(
    ALL.map((reader, i) => ({ reader, state: 34, flags: ['PRESENT'], cardPresent: i === 0, atr: i === 0 ? '3B 80 80 01 01' : null })),
  );
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, ALL.length * 2, text);
  for (const [i, { shown }] of HOSTILE.entries()) assert.equal(lines[i * 2], `${i}: ${shown}`);
  assert.equal(lines[0], '0: Lecteur été ✓ 00 00');
  assert.equal(lines[ODD.length * 2], `${ODD.length}: "Lecteur piégé\\n 00 00"`);
});

test('lock and connect as text: the Using line stays one line', () => {
  for (const { name, shown } of HOSTILE) {
    for (const line of [renderHolderEvent({ type: 'using', reader: name }), renderContenderEvent({ type: 'using', reader: name })]) {
      assert.equal(line, `Using: ${shown}\n`);
      assert.ok(!LINE_BREAK.test(line.slice(0, -1)), JSON.stringify(line));
    }
  }
});

test('repro as text: the Reader line stays one line; the report has as many lines as with a plain name', () => {
  const plain = renderReproText(reproReport('Virtual PCD 00 00')).split('\n').length;
  for (const { name, shown } of HOSTILE) {
    const text = renderReproText(reproReport(name));
    assert.equal(text.split('\n').length, plain, text);
    assert.ok(!/[\r\u000b\u000c\u0085\u2028\u2029\u001b]/.test(text), JSON.stringify(text));
    const reader = text.split('\n').find((line) => line.startsWith('  Reader '));
    assert.equal(reader, `  Reader    ${shown}  (ATR 3B 80 80 01 01)`);
  }
  assert.match(renderReproText(reproReport(ODD[1]!)), /^ {2}Reader {4}Say "hi" \| `tick` ``` \\back \*x\* _y_ <b>&amp; 00 00 {2}\(ATR/m);
});

test('matrix as text: the Reader line stays one line', () => {
  for (const { name, shown } of HOSTILE) {
    const lines = renderMatrixText(matrixReport(name)).trimEnd().split('\n');
    assert.equal(lines.filter((line) => line.startsWith('Reader ')).length, 1);
    assert.equal(
      lines.find((line) => line.startsWith('Reader ')),
      `Reader  ${shown}`,
    );
    assert.equal(lines.filter((line) => /^(Result|Total) /.test(line)).length, 2);
  }
});

/** What a GFM renderer shows for a code span in a table cell: `\|` is a pipe, the fence and its padding go. */
function shownInCode(span: string): string {
  const fence = /^`+/.exec(span)![0];
  let inner = span.slice(fence.length, -fence.length).replace(/\\\|/g, '|');
  if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim()) inner = inner.slice(1, -1);
  return inner;
}

test('code spans: one cell, no line break, and a GFM renderer shows the name, escapes for controls', () => {
  for (const { name, cell: expected, inline } of HOSTILE) {
    const cell = code(name);
    assert.equal(cell, expected, JSON.stringify(name));
    assert.equal(code(name, false), inline, JSON.stringify(name));
    assert.ok(!LINE_BREAK.test(cell), JSON.stringify(cell));
    assert.deepEqual(cells(`| ${cell} |`), [cell], cell);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(cell), JSON.stringify(cell));
  }
  for (const name of ODD) assert.equal(shownInCode(code(name)), name);
  assert.equal(shownInCode(code('Lecteur piégé\n 00 00')), 'Lecteur piégé\\u000a 00 00');
  assert.equal(shownInCode(code('Esc \u001b[0m 00 00')), 'Esc \\u001b[0m 00 00');
  assert.equal(shownInCode(code('back\\|slash')), 'back\\|slash');
});

test('repro markdown: every table row keeps its columns and the Reader cell shows the name', () => {
  for (const { name, cell } of HOSTILE) {
    const markdown = renderReproMarkdown(reproReport(name));
    const tableRows = markdown.split('\n').filter((line) => line.startsWith('|'));
    for (const line of tableRows) assert.equal(cells(line).length, 2, line);
    const reader = cells(row(markdown, 'Reader'))[1]!;
    assert.equal(reader, `${cell}  (ATR \`3B 80 80 01 01\`)`);
    if (ODD.includes(name)) assert.equal(shownInCode(reader.slice(0, cell.length)), name);
  }
});

test('matrix markdown: the Reader paragraph and the table rows survive the name', () => {
  for (const { name, inline } of HOSTILE) {
    const markdown = renderMatrixMarkdown(matrixReport(name));
    assert.ok(markdown.includes(`Reader: ${inline}. Total`), markdown);
    const tableRows = markdown.split('\n').filter((line) => line.startsWith('|'));
    for (const line of tableRows.slice(0, 3)) assert.equal(cells(line).length, 5, line);
  }
});

test('the commands in the markdown are one line each and give the exact name back to bash', {
  skip: process.platform === 'win32' && 'needs bash',
}, () => {
  for (const { name, posix } of HOSTILE) {
    const markdown = renderReproMarkdown(reproReport(name));
    const commands = [...markdown.matchAll(/^ {3}(`{3,})sh\n {3}(.*)\n {3}\1$/gm)].map((block) => block[2]!);
    // The command as run, then the manual steps: what holds the reader in one terminal, what connects in another.
    assert.deepEqual(
      commands,
      [
        `sc-repro repro --reader ${posix}`,
        `sc-repro lock --reader ${posix} --mode exclusive --hold 10`,
        `sc-repro connect --reader ${posix} --mode shared`,
      ],
      markdown,
    );
    for (const command of commands) {
      // $'…' escapes (\u for the controls) need bash in a UTF-8 locale.
      const echoed = spawnSync('bash', ['-c', `set -- ${command}; printf '%s' "$4"`], {
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C.UTF-8' },
      });
      assert.equal(echoed.stdout, name, command);
    }
  }
});

test('the --json output round-trips every name exactly', () => {
  for (const name of ALL) {
    const repro = renderJson('repro', 0, reproReport(name));
    const matrix = renderJson('matrix', 0, matrixReport(name));
    assert.equal(JSON.parse(repro).reader.name, name);
    assert.equal(JSON.parse(matrix).reader, name);
    // One JSON document: a raw control character would have to be escaped to parse at all.
    assert.ok(!/[\u0000-\u001f]/.test(repro.replace(/\n/g, '')), JSON.stringify(repro));
  }
});
