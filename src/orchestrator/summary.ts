// Statistics over repeated runs, as hyperfine reports them: a tally of
// verdicts and outcomes, and min/median/max of the timings. A plan keeps its
// runs as a RunTally, not as a list: a --repeat of 100,000 runs holds the
// counts, 16 bytes a run of timings (an exact median needs every value), the
// first distinct notes, and the one run the report shows, with its trace.
import { roundMs } from '../core/bounded-wait.js';
import type { Verdict } from '../core/exit-codes.js';
import { outcomeName } from '../scenarios/types.js';
import type { RunResult } from './run-types.js';

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

/** The exact min, median (the mean of the two middle values for an even count) and max. */
export function spread(values: ArrayLike<number>): Spread | null {
  if (values.length === 0) return null;
  // A Float64Array sorts numerically, and in place on this copy.
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i]!;
  const median = sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { min: roundMs(at(0)), median: roundMs(median), max: roundMs(at(sorted.length - 1)) };
}

/**
 * The verdict of repeated runs is the most serious one seen, most serious
 * first: an intermittent bug counts even once, then any other deviation, then
 * anything that could not be judged.
 */
const SEVERITY: readonly Verdict[] = ['bug-reproduced', 'unexpected', 'inconclusive', 'no-reference', 'not-affected'];

/** Numbers appended one at a time, 8 bytes each, in a buffer that doubles when full. */
export class Samples {
  private values = new Float64Array(64);
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }

  spread(): Spread | null {
    return spread(this.values.subarray(0, this.size));
  }
}

/**
 * Distinct notes a report lists, in the order first seen. The words of a note
 * come from a small set (a role, a call, a return code), so a long run repeats
 * the same few; the cap keeps a stack that varies them from growing the report.
 */
export const MAX_DISTINCT_NOTES = 50;

function countUp<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** A tally as an object, most frequent first; equal counts keep the order they were first seen in. */
function mostFrequentFirst<K extends string>(counts: Map<K, number>): Partial<Record<K, number>> {
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])) as Partial<Record<K, number>>;
}

/** What a plan keeps of one scenario's runs, added as they end: what its report needs, and no more. */
export class RunTally {
  private runs = 0;
  private readonly verdicts = new Map<Verdict, number>();
  private readonly outcomes = new Map<string, number>();
  private readonly connectLatencies = new Samples();
  private readonly runTimes = new Samples();
  private readonly distinctNotes = new Set<string>();
  /** Notes of later runs not listed because the cap was reached. */
  private notesLeftOut = 0;
  private shownResult: RunResult | null = null;
  private shownNumber = 0;

  static of(runs: readonly RunResult[]): RunTally {
    const tally = new RunTally();
    for (const run of runs) tally.add(run);
    return tally;
  }

  add(run: RunResult): void {
    this.runs++;
    countUp(this.verdicts, run.verdict);
    countUp(this.outcomes, outcomeName(run.outcome));
    if (run.timeline.connectLatencyMs !== null) this.connectLatencies.push(run.timeline.connectLatencyMs);
    this.runTimes.push(run.timeline.totalMs);
    for (const note of run.notes) {
      if (this.distinctNotes.has(note)) continue;
      if (this.distinctNotes.size < MAX_DISTINCT_NOTES) this.distinctNotes.add(note);
      else this.notesLeftOut++;
    }
    // Only a strictly more serious verdict replaces the run shown: it stays the first that gave the verdict.
    if (!this.shownResult || SEVERITY.indexOf(run.verdict) < SEVERITY.indexOf(this.shownResult.verdict)) {
      this.shownResult = run;
      this.shownNumber = this.runs;
    }
  }

  get count(): number {
    return this.runs;
  }

  /** The most serious verdict of the runs so far; with no runs, nothing was judged. */
  get verdict(): Verdict {
    return this.shownResult?.verdict ?? 'inconclusive';
  }

  /** The run a report details, the first that gave the overall verdict; null before any run. */
  get shown(): RunResult | null {
    return this.shownResult;
  }

  /** The distinct notes of every run, in the order first seen, with a last line for those past the cap. */
  notes(): string[] {
    const notes = [...this.distinctNotes];
    if (this.notesLeftOut > 0)
      notes.push(
        `${this.notesLeftOut} later note${this.notesLeftOut === 1 ? '' : 's'} not listed: a report lists the first ${MAX_DISTINCT_NOTES} distinct ones`,
      );
    return notes;
  }

  summary(): RepeatSummary {
    return {
      count: this.runs,
      shownRun: this.shownNumber,
      verdicts: mostFrequentFirst(this.verdicts),
      outcomes: mostFrequentFirst(this.outcomes) as Record<string, number>,
      connectLatencyMs: this.connectLatencies.spread(),
      runMs: this.runTimes.spread(),
    };
  }
}
