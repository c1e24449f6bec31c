// What a plan keeps of a scenario's runs: exact min/median/max from compact
// samples, tallies, bounded notes, and the one run a report shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ENVIRONMENT, fixtureRun } from '../support/report-fixtures.js';
import { MAX_DISTINCT_NOTES, RunTally, Samples, spread } from '../../src/orchestrator/summary.js';
import { buildReport } from '../../src/orchestrator/report.js';
import type { RunResult } from '../../src/orchestrator/run-types.js';
import type { Verdict } from '../../src/core/exit-codes.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A seeded generator (mulberry32): the same values on every run of the test. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The reference: a plain array sorted with a comparator, the median by definition; rounded to 0.1 ms as reports are. */
function bySorting(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { min: round(sorted[0]!), median: round(median), max: round(sorted[n - 1]!) };
}

test('samples give exact min, median and max: literal cases, odd and even counts, one value', () => {
  const of = (values: number[]) => {
    const samples = new Samples();
    for (const value of values) samples.push(value);
    return samples.spread();
  };
  assert.equal(of([]), null);
  assert.deepEqual(of([7.25]), { min: 7.3, median: 7.3, max: 7.3 });
  assert.deepEqual(of([9, 1, 5]), { min: 1, median: 5, max: 9 });
  assert.deepEqual(of([9, 1, 5, 2]), { min: 1, median: 3.5, max: 9 });
  // Numeric order, not the order of the values' text (10 < 9 as strings).
  assert.deepEqual(of([10, 9, 100, 2, 30]), { min: 2, median: 10, max: 100 });
  assert.deepEqual(of([0.5, 0.5, 0.5, 12]), { min: 0.5, median: 0.5, max: 12 });
  assert.deepEqual(spread([4, 1, 2, 3]), { min: 1, median: 2.5, max: 4 });
});

test('samples agree with a sort on random data, across the buffer growing, for odd and even counts', () => {
  const next = random(20_151_125);
  for (const count of [1, 2, 63, 64, 65, 128, 129, 1000, 1001, 4097, 10_000]) {
    const values = Array.from({ length: count }, () => Math.round(next() * 50_000) / 100);
    const samples = new Samples();
    for (const value of values) samples.push(value);
    assert.equal(samples.length, count);
    assert.deepEqual(samples.spread(), bySorting(values), `${count} values`);
  }
});

test('samples read mid-way keep counting: the spread covers every value pushed before and after', () => {
  const samples = new Samples();
  for (const value of [5, 3, 8]) samples.push(value);
  assert.deepEqual(samples.spread(), { min: 3, median: 5, max: 8 });
  for (const value of [1, 1]) samples.push(value);
  assert.deepEqual(samples.spread(), { min: 1, median: 3, max: 8 });
});

/** A run with the given verdict, outcome name (null for none), latency and total time. */
function run(verdict: Verdict, outcome: string | null, connectLatencyMs: number | null, totalMs: number, notes: string[] = []): RunResult {
  const base = fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00');
  return {
    ...base,
    verdict,
    outcome: outcome === null ? null : { kind: 'error', name: outcome },
    timeline: { ...base.timeline, connectLatencyMs, totalMs },
    notes,
  };
}

test('a tally counts verdicts and outcomes, most frequent first, ties in the order first seen', () => {
  const tally = new RunTally();
  tally.add(run('not-affected', 'SCARD_E_SHARING_VIOLATION', 2, 10));
  tally.add(run('inconclusive', null, null, 40));
  tally.add(run('unexpected', 'SCARD_E_TIMEOUT', 3, 20));
  tally.add(run('unexpected', 'SCARD_E_TIMEOUT', 1, 30));
  tally.add(run('not-affected', 'SCARD_E_SHARING_VIOLATION', 4, 50));
  tally.add(run('no-reference', 'SCARD_E_SHARING_VIOLATION', 5, 60));
  assert.equal(tally.count, 6);
  assert.equal(tally.verdict, 'unexpected');
  const summary = tally.summary();
  assert.deepEqual(summary, {
    count: 6,
    shownRun: 3,
    verdicts: { 'not-affected': 2, unexpected: 2, inconclusive: 1, 'no-reference': 1 },
    outcomes: { SCARD_E_SHARING_VIOLATION: 3, SCARD_E_TIMEOUT: 2, none: 1 },
    // The run with no answer has no latency: five values.
    connectLatencyMs: { min: 1, median: 3, max: 5 },
    runMs: { min: 10, median: 35, max: 60 },
  });
  assert.deepEqual(Object.keys(summary.verdicts), ['not-affected', 'unexpected', 'inconclusive', 'no-reference']);
  assert.deepEqual(Object.keys(summary.outcomes), ['SCARD_E_SHARING_VIOLATION', 'SCARD_E_TIMEOUT', 'none']);
});

test('the run shown is the first that gave the most serious verdict, however many followed', () => {
  const runs = [
    run('not-affected', 'SCARD_E_SHARING_VIOLATION', 1, 1),
    run('inconclusive', null, null, 1),
    run('unexpected', 'SCARD_E_TIMEOUT', 1, 1),
    run('inconclusive', null, null, 1),
    run('bug-reproduced', 'SCARD_E_PROTO_MISMATCH', 1, 1),
    run('unexpected', 'SCARD_E_TIMEOUT', 1, 1),
    run('bug-reproduced', 'SCARD_E_PROTO_MISMATCH', 1, 1),
  ];
  const tally = new RunTally();
  const shownAfterEach = runs.map((each) => {
    tally.add(each);
    return [tally.verdict, tally.summary().shownRun];
  });
  assert.deepEqual(shownAfterEach, [
    ['not-affected', 1],
    ['inconclusive', 2],
    ['unexpected', 3],
    ['unexpected', 3],
    ['bug-reproduced', 5],
    ['bug-reproduced', 5],
    ['bug-reproduced', 5],
  ]);
  assert.equal(tally.shown, runs[4]);
  assert.equal(new RunTally().shown, null);
  // no-reference is less serious than inconclusive, more than not-affected.
  assert.equal(
    RunTally.of([run('not-affected', null, 1, 1), run('no-reference', null, 1, 1), run('inconclusive', null, 1, 1)]).summary().shownRun,
    3,
  );
  assert.equal(
    RunTally.of([run('not-affected', null, 1, 1), run('no-reference', null, 1, 1), run('not-affected', null, 1, 1)]).summary().shownRun,
    2,
  );
});

test('notes: distinct, in the order first seen, capped with one line that says how many were left out', () => {
  const tally = new RunTally();
  tally.add(run('not-affected', null, 1, 1, ['b', 'a']));
  tally.add(run('not-affected', null, 1, 1, ['a', 'c', 'b']));
  assert.deepEqual(tally.notes(), ['b', 'a', 'c']);
  for (let i = 0; i < MAX_DISTINCT_NOTES + 2; i++) tally.add(run('not-affected', null, 1, 1, [`note ${i}`, 'a']));
  const notes = tally.notes();
  assert.equal(MAX_DISTINCT_NOTES, 50);
  assert.equal(notes.length, 51);
  assert.deepEqual(notes.slice(0, 4), ['b', 'a', 'c', 'note 0']);
  assert.equal(notes[49], 'note 46');
  assert.equal(notes[50], '5 later notes not listed: a report lists the first 50 distinct ones');
});

/** Adds 200 runs with traces, the 7th a bug, from a frame that is gone when it returns: weak references to them. */
function feed(tally: RunTally): { shown: WeakRef<RunResult>; others: WeakRef<RunResult>[] } {
  const refs = Array.from({ length: 200 }, (_, index) => {
    const each: RunResult = {
      ...run(index === 6 ? 'bug-reproduced' : 'not-affected', 'SCARD_E_SHARING_VIOLATION', 1, 1),
      trace: [
        {
          role: 'contender',
          call: 'SCardConnect',
          args: { run: index + 1 },
          result: 'SCARD_E_SHARING_VIOLATION',
          startMs: 1,
          durationMs: 1,
        },
      ],
    };
    tally.add(each);
    return new WeakRef(each);
  });
  return { shown: refs[6]!, others: refs.filter((_, index) => index !== 6) };
}

test('a tally keeps the run it shows, with its trace, and lets every other run go', async () => {
  const tally = new RunTally();
  const { shown, others } = feed(tally);
  // A WeakRef holds its target until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.deepEqual(
    others.flatMap((ref) => ref.deref()?.trace?.[0]?.args.run ?? []),
    [],
    'runs other than the one shown are still held',
  );
  assert.equal(shown.deref(), tally.shown);
  assert.deepEqual(tally.shown?.trace?.[0]?.args, { run: 7 });
  assert.equal(tally.summary().shownRun, 7);
});

test('a report built from a tally: the overall verdict, its count, the run shown and the notes of every run', () => {
  const pass = fixtureRun('SCARD_E_SHARING_VIOLATION', 'Virtual PCD 00 00');
  const bug = fixtureRun('SCARD_E_PROTO_MISMATCH', 'Virtual PCD 00 00');
  const tally = new RunTally();
  for (const each of [pass, { ...pass, notes: ['n1'] }, bug, { ...bug, notes: ['n2', 'n1'] }, pass]) tally.add(each);
  const report = buildReport(elCapitanScardConnect, tally, ENVIRONMENT, 'sc-repro repro -n 5');
  assert.equal(report.verdict, 'bug-reproduced');
  assert.match(report.reason, /^bug-reproduced in 2\/5 runs; /);
  assert.deepEqual([report.repeat?.shownRun, report.repeat?.count], [3, 5]);
  assert.deepEqual(report.repeat?.verdicts, { 'not-affected': 3, 'bug-reproduced': 2 });
  assert.deepEqual(report.notes, ['n1', 'n2']);
  assert.equal(report.observed && 'name' in report.observed ? report.observed.name : null, 'SCARD_E_PROTO_MISMATCH');
});
