// Statistics over repeated runs, as hyperfine reports them: a tally of
// verdicts and outcomes, and min/median/max of the timings.
import { roundMs } from '../core/bounded-wait.js';
import type { Verdict } from '../core/exit-codes.js';
import { outcomeName } from '../scenarios/types.js';
import type { RunResult } from './run-scenario.js';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface RepeatSummary {
  count: number;
  /** Verdict → how many runs gave it, most frequent first. */
  verdicts: Partial<Record<Verdict, number>>;
  /** Observed outcome (a PC/SC name, `blocked`, or `none`) → count. */
  outcomes: Record<string, number>;
  connectLatencyMs: Spread | null;
  runMs: Spread | null;
  /** The run (from 1) whose details the report shows: the first that gave the overall verdict. */
  shownRun: number;
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i]!;
  const median = sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { min: roundMs(at(0)), median: roundMs(median), max: roundMs(at(sorted.length - 1)) };
}

function tally<K extends string>(keys: readonly K[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => (b[1] as number) - (a[1] as number))) as Partial<Record<K, number>>;
}

export function summarize(runs: readonly RunResult[], shown: RunResult): RepeatSummary {
  return {
    count: runs.length,
    shownRun: runs.indexOf(shown) + 1,
    verdicts: tally(runs.map((run) => run.verdict)),
    outcomes: tally(runs.map((run) => outcomeName(run.outcome))) as Record<string, number>,
    connectLatencyMs: spread(runs.flatMap((run) => (run.timeline.connectLatencyMs === null ? [] : [run.timeline.connectLatencyMs]))),
    runMs: spread(runs.map((run) => run.timeline.totalMs)),
  };
}

/**
 * The verdict of repeated runs: an intermittent bug counts even once, then any
 * other deviation, then anything that could not be judged.
 */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  const order: Verdict[] = ['bug-reproduced', 'unexpected', 'inconclusive', 'no-reference', 'not-affected'];
  return order.find((verdict) => verdicts.includes(verdict)) ?? 'inconclusive';
}
