// Several -o from one run, hyperfine's --export-json/--export-markdown
// convention: each file in the format its extension names, all from the same
// run (the same timeline in each), no colour codes in any file even when the
// terminal has colour, and the terminal keeps its text summary. Two -o that
// name one file are bad usage, found before anything runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonOutput, runCli } from '../support/cli.js';
import { readerIsFreeAfterVirtualCard, useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

// --virtual inserts the built-in card itself.
await useStack({ before, after }, { card: false });

const ESCAPE = /\u001b/;
/** Colour on, though stdout is a pipe: what a file gets must not depend on the terminal having none. */
const COLOUR = { NO_COLOR: '', FORCE_COLOR: '3' };
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let folder: string;
before(() => (folder = mkdtempSync(join(tmpdir(), 'sc-repro-outputs-'))));
after(() => rmSync(folder, { recursive: true, force: true }));

test('repro --virtual -o r.md -o r.json -o r.txt: three formats of one run, no escape codes in any file', async () => {
  const [md, json, txt] = ['r.md', 'r.json', 'r.txt'].map((name) => join(folder, name)) as [string, string, string];
  const { env, marker } = markedEnv();
  const result = await runCli(['repro', '--virtual', '-o', md, '-o', json, '-o', txt], { env: { ...env, ...COLOUR }, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(result.stderr, '');

  const report = jsonOutput(readFileSync(json, 'utf8'));
  assert.deepEqual([report.command, report.verdict, report.exitCode], ['repro', 'not-affected', 0]);
  const markdown = readFileSync(md, 'utf8');
  const text = readFileSync(txt, 'utf8');
  assert.match(markdown, /^### sc-repro: not-affected — /);
  assert.match(markdown, /`SCARD_E_SHARING_VIOLATION`/, 'names in code spans');
  assert.match(text, /^✔ NOT-AFFECTED {2}the stack answered SCARD_E_SHARING_VIOLATION, as expected$/m);
  for (const [name, content] of [
    ['r.md', markdown],
    ['r.json', readFileSync(json, 'utf8')],
    ['r.txt', text],
  ] as const) {
    assert.doesNotMatch(content, ESCAPE, `${name}: ${JSON.stringify(content.slice(0, 200))}`);
  }

  // One run: the same timeline, to the tenth of a millisecond, in each file and on the terminal.
  const t = report.timeline;
  assert.equal(typeof t.attempt, 'number', JSON.stringify(t));
  assert.equal(typeof t.holdMs, 'number', JSON.stringify(t));
  for (const [label, ms] of [
    ['reader held', t.readerHeld],
    ['contender attempt', t.attempt],
    ['answer', t.answer],
  ] as const) {
    assert.match(text, new RegExp(`^ +${escaped(ms.toFixed(1))}  ${label}$`, 'm'), `${label} ${ms} in r.txt`);
    assert.match(markdown, new RegExp(`^\\| ${label} \\| ${escaped(ms.toFixed(1))} \\|$`, 'm'), `${label} ${ms} in r.md`);
  }
  assert.match(text, new RegExp(`\\bhold \\(measured by the holder\\) ${t.holdMs} ms\\b.*\\btotal ${t.totalMs} ms\\b`));
  assert.match(markdown, new RegExp(`^\\| total \\| ${t.totalMs} ms \\|$`, 'm'));
  assert.match(markdown, new RegExp(`^\\| hold \\(measured by the holder\\) \\| ${t.holdMs} ms \\|$`, 'm'));
  assert.equal(report.commandLine, `sc-repro repro --virtual -o ${md} -o ${json} -o ${txt}`);

  // The terminal: the text summary of that same run, in colour, and where each file went.
  assert.match(result.stdout, ESCAPE, 'colour was on for the terminal');
  const shown = result.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  assert.equal(shown, `${text}${[md, json, txt].map((path) => `Report written to ${path}\n`).join('')}`);
  assert.deepEqual(processesWithMarker(marker), [], 'processes left behind');
  assert.equal(await readerIsFreeAfterVirtualCard(), true);
});

test('matrix -o m.json -o m.md: both formats of one run', async () => {
  const [json, md] = ['m.json', 'm.md'].map((name) => join(folder, name)) as [string, string];
  const only = 'el-capitan-scardconnect,yosemite-shared-connect';
  const result = await runCli(['matrix', '--virtual', '--only', only, '--output', json, '--output', md], {
    env: COLOUR,
    timeoutMs: 60_000,
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(readFileSync(json, 'utf8'));
  assert.equal(report.command, 'matrix');
  assert.deepEqual(
    report.rows.map((row: { scenario: { id: string }; verdict: string }) => [row.scenario.id, row.verdict]),
    [
      ['el-capitan-scardconnect', 'not-affected'],
      ['yosemite-shared-connect', 'not-affected'],
    ],
  );
  const markdown = readFileSync(md, 'utf8');
  assert.doesNotMatch(markdown, ESCAPE);
  assert.match(markdown, /`el-capitan-scardconnect`/);
  // One run: the same total in both files and on the terminal.
  const total = (report.totalMs / 1000).toFixed(2);
  assert.match(markdown, new RegExp(`Total: ${escaped(total)} s \\(process start-up ${report.startupMs} ms\\)\\.`));
  const shown = result.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(shown, new RegExp(`^Total +${escaped(total)} s \\(process start-up ${report.startupMs} ms\\)$`, 'm'));
  assert.match(shown, new RegExp(`^Report written to ${escaped(json)}\nReport written to ${escaped(md)}$`, 'm'));
  assert.equal(await readerIsFreeAfterVirtualCard(), true);
});

test('a file with another extension takes the chosen format; --json keeps the text on the terminal', async () => {
  const [log, txt] = ['chosen.log', 'plain.txt'].map((name) => join(folder, name)) as [string, string];
  const result = await runCli(['repro', '--virtual', '--json', '-o', log, '-o', txt], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = jsonOutput(readFileSync(log, 'utf8'));
  assert.equal(report.verdict, 'not-affected');
  assert.match(readFileSync(txt, 'utf8'), /^✔ NOT-AFFECTED /);
  assert.match(result.stdout, /^✔ NOT-AFFECTED /);
});

test('two -o naming one file: exit 64, one line, before anything runs', async () => {
  const sub = mkdtempSync(join(folder, 'same-'));
  const { env, marker } = markedEnv();
  for (const [first, second] of [
    [join(sub, 'r.md'), join(sub, 'r.md')],
    [join(sub, 'r.md'), join(sub, '.', 'r.md')],
  ]) {
    const result = await runCli(['repro', '--reader', VIRTUAL_READER, '--json', '-o', first!, '-o', second!], { env });
    assert.equal(result.code, 64, result.stdout + result.stderr);
    const message = `--output ${second} names the same file as an earlier --output; give each report a file of its own`;
    // One line (a usage error may end with where the command's help is).
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]!.startsWith(`sc-repro: error: ${message}`), result.stderr);
    const json = jsonOutput(result.stdout);
    assert.deepEqual([json.command, json.exitCode], ['repro', 64]);
    assert.ok(json.message.startsWith(message), json.message);
  }
  assert.deepEqual(readdirSync(sub), [], 'a file was written');
  assert.deepEqual(processesWithMarker(marker), [], 'processes left behind');
});
