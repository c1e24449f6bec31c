// A matrix on a loaded machine may decline to judge a row: `inconclusive`,
// naming the timing it saw (a call that returned near the release, a control
// act that was slow). That is the product being honest, not the stack's
// answer, and a test that wants every row judged would then depend on the
// machine's speed. Such a run is made once more, whole, and the second run
// stands on its own. What the first run did judge is kept: a row judged
// otherwise the second time fails here, so a wrong verdict beside an
// inconclusive row cannot vanish in the second run.
import assert from 'node:assert/strict';
import type { CliResult } from './cli.js';

interface Row {
  scenario: { id: string };
  verdict: string;
  reason: string;
}

/** The rows of `result`, or none when its output is not a report: the test's own jsonOutput then says why (and checks the schema). */
function rowsOf(result: CliResult): Row[] {
  try {
    return (JSON.parse(result.stdout) as { rows?: Row[] }).rows ?? [];
  } catch {
    return [];
  }
}

/** `runMatrix()`, made a second time when the first left rows inconclusive; `note` hears why. */
export async function judgedMatrix(runMatrix: () => Promise<CliResult>, note: (line: string) => void = () => {}): Promise<CliResult> {
  const first = await runMatrix();
  const firstRows = rowsOf(first);
  const undecided = firstRows.filter((row) => row.verdict === 'inconclusive');
  if (undecided.length === 0) return first;
  note(`the matrix left ${undecided.length} row(s) inconclusive, so it runs once more:`);
  for (const row of undecided) note(`  ${row.scenario.id}: ${row.reason}`);
  const second = await runMatrix();
  const judgedAgain = new Map(rowsOf(second).map((row) => [row.scenario.id, row.verdict]));
  const changed = firstRows
    .filter((row) => row.verdict !== 'inconclusive' && judgedAgain.get(row.scenario.id) !== row.verdict)
    .map((row) => `${row.scenario.id}: ${row.verdict} (${row.reason}), then ${judgedAgain.get(row.scenario.id) ?? 'missing'}`);
  assert.deepEqual(changed, [], 'a row the first run judged was judged otherwise when the matrix ran again');
  return second;
}
