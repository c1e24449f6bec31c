// The test suite's rule for a whole matrix that left rows undecided
// (test/support/judged-matrix.ts): one more run, and nothing the first run
// judged may change in it. Literal reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliResult } from '../support/cli.js';
import { judgedMatrix } from '../support/judged-matrix.js';

const report = (verdicts: Record<string, string>): CliResult => ({
  code: 0,
  signal: null,
  stdout: JSON.stringify({
    rows: Object.entries(verdicts).map(([id, verdict]) => ({ scenario: { id }, verdict, reason: `${id} ${verdict}` })),
  }),
  stderr: '',
  ms: 1,
});

function runs(...results: CliResult[]) {
  let made = 0;
  return { run: async () => results[made++]!, made: () => made };
}

test('a matrix that judged every row runs once', async () => {
  const matrix = runs(report({ a: 'not-affected', b: 'bug-reproduced' }));
  const result = await judgedMatrix(matrix.run);
  assert.equal(matrix.made(), 1);
  assert.match(result.stdout, /bug-reproduced/);
});

test('a matrix that left a row inconclusive runs once more, and the second run is the result', async () => {
  const notes: string[] = [];
  const second = report({ a: 'not-affected', b: 'not-affected' });
  const matrix = runs(report({ a: 'not-affected', b: 'inconclusive' }), second);
  assert.equal(await judgedMatrix(matrix.run, (line) => notes.push(line)), second);
  assert.equal(matrix.made(), 2);
  assert.deepEqual(notes, ['the matrix left 1 row(s) inconclusive, so it runs once more:', '  b: b inconclusive']);
});

test('a verdict of the first run that the second does not repeat fails: a wrong verdict cannot vanish', async () => {
  const matrix = runs(report({ a: 'unexpected', b: 'inconclusive' }), report({ a: 'not-affected', b: 'not-affected' }));
  await assert.rejects(judgedMatrix(matrix.run), (error: assert.AssertionError) => {
    assert.deepEqual(error.actual, ['a: unexpected (a unexpected), then not-affected']);
    return true;
  });
});

test('an output that is not a report is returned as it is, for the test to say why', async () => {
  const broken: CliResult = { code: 2, signal: null, stdout: 'not json', stderr: 'boom', ms: 1 };
  const matrix = runs(broken);
  assert.equal(await judgedMatrix(matrix.run), broken);
  assert.equal(matrix.made(), 1);
});
