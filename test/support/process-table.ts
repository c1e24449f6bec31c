// Leftover processes, found by a marker in their environment: every process a
// run starts inherits it, including grandchildren and ones re-parented after
// their parent died, which a walk of the process tree would miss.
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const MARKER = 'SC_REPRO_TEST_RUN';

/** An environment to start a run with, and the marker that finds its processes. */
export function markedEnv(): { env: Record<string, string>; marker: string } {
  const marker = `${MARKER}=${randomUUID()}`;
  return { env: { [MARKER]: marker.slice(MARKER.length + 1) }, marker };
}

/** Pids of live processes started with this marker (Linux: reads /proc). */
export function processesWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const status = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // A zombie has exited; its parent just has not reaped it yet.
      if (environ.split('\0').includes(marker) && !/^\d+ \(.*\) Z /.test(status)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}
