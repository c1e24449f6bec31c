// A matrix on a loaded machine may decline to judge a row: `inconclusive`,
// naming the timing it saw (a call that returned near the release, a control
// act that was slow). That is the product being honest, not the stack's
// answer, and a test that wants every row judged would then depend on the
// machine's speed. Such a run is made once more, whole, and the second run
// stands on its own. A row judged wrongly (`unexpected`, a bug where none
// is) never earns a second run: only a run with inconclusive rows does.
import type { CliResult } from './cli.js';
import { jsonOutput } from './cli.js';

interface Row {
  scenario: { id: string };
  verdict: string;
  reason: string;
}

/** The rows of `result` that the product declined to judge, one line each; empty when every row was judged (or there are no rows). */
export function undecidedRows(result: CliResult): string[] {
  let rows: Row[];
  try {
    rows = jsonOutput(result.stdout).rows ?? [];
  } catch {
    return [];
  }
  return rows.filter((row) => row.verdict === 'inconclusive').map((row) => `${row.scenario.id}: ${row.reason}`);
}

/** `runMatrix()`, made a second time when the first left rows inconclusive; `note` hears why. */
export async function judgedMatrix(runMatrix: () => Promise<CliResult>, note: (line: string) => void = () => {}): Promise<CliResult> {
  const first = await runMatrix();
  const undecided = undecidedRows(first);
  if (undecided.length === 0) return first;
  note(`the matrix left ${undecided.length} row(s) inconclusive, so it runs once more:`);
  for (const line of undecided) note(`  ${line}`);
  return runMatrix();
}
