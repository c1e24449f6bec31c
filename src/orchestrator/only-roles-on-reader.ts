// Rules 3 and 11: the reader is ours, and the service is the same one, each
// time the third party looks. Which marks the roles' handles explain is
// reader-accounting.ts.
import { sleep, monotonicMs } from '../core/bounded-wait.js';
import { reportFor } from '../core/errors.js';
import { hint } from '../platform/hints.js';
import { LOOK_POLL_MS, type ReaderView } from './observer.js';
import { mayBeClosedHandle, unexplainedMark } from './reader-accounting.js';
import { Inconclusive, type Run } from './run-state.js';

/** How long the observer's view may lag behind a change another client made. */
export const STATE_LAG_MS = 250;

/**
 * The observer's look on the context it has had since the plan began. A
 * service that went away, or restarted, no longer answers that context: the
 * run cannot tell an answer of the stack from one of a dying service.
 */
async function lookAtReader(run: Run, when: string): Promise<ReaderView> {
  try {
    return run.observer.look(run.options.reader);
  } catch (error) {
    const report = reportFor((await run.observer.serviceFailure()) ?? error);
    throw new Inconclusive(`the service stopped answering the third party ${when}: ${report.message}`, report.hint ?? null, true);
  }
}

/**
 * 3. The reader is ours: every hold a third party sees is a handle of the
 * holder or the contender. The reader state may take STATE_LAG_MS to drop a
 * handle a role has just closed, and only such a mark is given that long;
 * before the holder takes the reader, `waitForOthers` gives another process
 * all of --timeout to finish with it.
 */
export async function onlyRolesOnReader(run: Run, when: string, waitForOthers = false): Promise<void> {
  const deadline = monotonicMs() + (waitForOthers ? run.timeoutMs : STATE_LAG_MS);
  const closed = run.closedSinceLook.splice(0);
  for (let waited = false; ; waited = true) {
    const view = await lookAtReader(run, when);
    const mark = unexplainedMark(view.flags, run.handles);
    if (!mark) return;
    run.throwIfInterrupted();
    if (monotonicMs() >= deadline || (!waitForOthers && !mayBeClosedHandle(mark, closed))) {
      const stayed = waitForOthers ? ` for all of --timeout (${run.options.timeoutSeconds} s)` : '';
      throw new Inconclusive(
        `another process is using the reader: a third party saw ${view.flags.join(' ')} ${when}${stayed}, and no handle of the holder or the contender explains ${mark}`,
        hint('readerBusy'),
      );
    }
    if (!waited && waitForOthers) run.options.onPhase?.('another process is using the reader: waiting for it to let go');
    await sleep(LOOK_POLL_MS);
  }
}

/**
 * 8. The reader stays ours while the third party watches it free for `forMs`.
 * A process that keeps trying to connect, and so may power the card or take
 * the reader unseen within a hold, takes the free reader as soon as it can.
 */
export async function readerStaysOurs(run: Run, forMs: number, when: string): Promise<void> {
  const until = monotonicMs() + forMs;
  for (;;) {
    await onlyRolesOnReader(run, when);
    run.throwIfInterrupted();
    if (monotonicMs() >= until) return;
    await sleep(LOOK_POLL_MS);
  }
}
