// While the reader is held, the third party keeps looking: a card pulled, a
// service gone or a holder that died would make any answer meaningless, so
// each ends the run inconclusive at once.
import { settlesWithin, sleep, monotonicMs } from '../core/bounded-wait.js';
import { reportFor } from '../core/errors.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { hint } from '../platform/hints.js';
import type { ReaderView } from './observer.js';
import { HELD_FLAG } from './reader-accounting.js';
import { Inconclusive, type Run } from './run-state.js';

/** How often the observer checks, while the reader is held, that card and service are still there. */
const WATCH_MS = 100;

/**
 * The hold must last until the holder is asked to let go: the card or the
 * service being gone, or the holder itself, ends the run. Once the release
 * was asked for, or the scenario took the card out, there is no hold to watch.
 */
export async function checkHoldIntact(run: Run): Promise<void> {
  run.throwIfInterrupted();
  if (!run.holdWatched) return;
  const { observer, options, holder } = run;
  let view: ReaderView;
  try {
    view = observer.look(options.reader);
  } catch (error) {
    const report = reportFor((await observer.serviceFailure()) ?? error);
    throw new Inconclusive(`the holder stopped: ${report.message}`, report.hint ?? null, true);
  }
  if (!view.flags.includes('PRESENT')) {
    throw new Inconclusive(
      `the holder stopped: ${PcscError.named('SCARD_W_REMOVED_CARD', 'SCardGetStatusChange').message}`,
      hint('noCard'),
      true,
    );
  }
  if (!holder.running) throw new Inconclusive('the holder died while it held the reader', hint('holderCrashed'));
  const flag = HELD_FLAG[options.scenario.holder.mode];
  if (run.evidence.precondition === 'observer' && !view.flags.includes(flag)) {
    throw new Inconclusive(`a third party stopped seeing the hold while the holder held the reader: ${view.flags.join(' ')}, not ${flag}`);
  }
}

/** Waits for a role's reply while the reader is held, checking the hold every WATCH_MS. */
export async function whileHeld<T>(run: Run, wait: Promise<T>): Promise<T> {
  while (!(await settlesWithin(wait, WATCH_MS))) await checkHoldIntact(run);
  return wait;
}

/** Keeps the reader held for `ms`, checking the hold as whileHeld does; no timer outlives an early end. */
export async function holdFor(run: Run, ms: number): Promise<void> {
  const end = monotonicMs() + ms;
  for (let left = ms; left > 0; left = end - monotonicMs()) {
    await sleep(Math.min(WATCH_MS, left));
    await checkHoldIntact(run);
  }
}
