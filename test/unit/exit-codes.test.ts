// One exit-code contract: the table in src/core/exit-codes.ts, which help
// text and reports read, and the README's table, which must say the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXIT, EXIT_MEANINGS, VERDICTS, VERDICT_EXIT, exitMeaning } from '../../src/core/exit-codes.js';
import { INTERRUPT_SIGNALS } from '../../src/core/interrupt.js';
import { renderJson } from '../../src/render/json.js';

test('every verdict has a code, and every code a meaning for people', () => {
  assert.deepEqual(
    VERDICTS.map((verdict) => VERDICT_EXIT[verdict]),
    [0, 1, 1, 2, 2],
  );
  for (const code of [0, 1, 2, 64] as const)
    assert.ok(
      EXIT_MEANINGS.some((entry) => entry.code === code),
      String(code),
    );
  assert.equal(exitMeaning(1, 'matrix'), 'deviations found');
  assert.equal(exitMeaning(0, 'repro'), 'not-affected');
});

test("the README's exit-code table is the code's table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Exit codes')[1]!.split('\n## ')[0]!;
  const rows = section
    .split('\n')
    .filter((line) => /^\| [\d/]+ \|/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  assert.deepEqual(
    rows,
    EXIT_MEANINGS.map(({ code, meaning, repro, matrix, compare }) => [String(code), meaning, repro, matrix, compare]),
  );
});

test("the README's verdict table gives each verdict the code's exit code", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const verdict of VERDICTS) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${verdict}\` |`));
    assert.ok(row, `no README row for ${verdict}`);
    assert.equal(row.split('|')[2]!.trim(), String(VERDICT_EXIT[verdict]), verdict);
  }
});

test('each signal that interrupts a command has its own code, and people read it as interrupted', () => {
  assert.deepEqual(INTERRUPT_SIGNALS, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  assert.deepEqual([EXIT.sigint, EXIT.sigterm, EXIT.sighup], [130, 143, 129]);
  for (const code of [EXIT.sigint, EXIT.sigterm, EXIT.sighup]) {
    assert.equal(exitMeaning(code), 'interrupted by SIGINT/SIGTERM/SIGHUP (a closed terminal)', String(code));
    assert.equal(exitMeaning(code, 'matrix'), 'interrupted', String(code));
  }
});

test('the --json envelope says the code it is given, whatever the body carries', () => {
  const json = JSON.parse(renderJson('repro', EXIT.sigterm, { ok: true, exitCode: EXIT.environment, verdict: 'inconclusive' }));
  assert.deepEqual(Object.keys(json).slice(0, 4), ['schemaVersion', 'command', 'ok', 'exitCode']);
  assert.deepEqual([json.command, json.ok, json.exitCode, json.verdict], ['repro', false, 143, 'inconclusive']);
});
