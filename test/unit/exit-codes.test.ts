// One exit-code contract: the table in src/core/exit-codes.ts, which help
// text and reports read, and the README's table, which must say the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXIT_MEANINGS, VERDICTS, VERDICT_EXIT, exitMeaning } from '../../src/core/exit-codes.js';

test('every verdict has a code, and every code a meaning for people', () => {
  assert.deepEqual(VERDICTS.map((verdict) => VERDICT_EXIT[verdict]), [0, 1, 1, 2, 2]);
  for (const code of [0, 1, 2, 64] as const) assert.ok(EXIT_MEANINGS.some((entry) => entry.code === code), String(code));
  assert.equal(exitMeaning(1, 'matrix'), 'deviations found');
  assert.equal(exitMeaning(0, 'repro'), 'not-affected');
});

test("the README's exit-code table is the code's table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Exit codes')[1]!.split('\n## ')[0]!;
  const rows = section
    .split('\n')
    .filter((line) => /^\| [\d/]+ \|/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  assert.deepEqual(
    rows,
    EXIT_MEANINGS.map(({ code, meaning, repro, matrix }) => [String(code), meaning, repro, matrix]),
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
