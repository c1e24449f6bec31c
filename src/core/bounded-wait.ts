// Waits with a bound: no timer outlives the wait it bounds.

/** Waits for `promise` at most `ms`; true if it settled in time. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds rounded to 0.1, the precision every report shows. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * The monotonic clock in ms, from an arbitrary origin. process.hrtime, not
 * performance.now(): the first use of `performance` loads perf_hooks, ~2 ms
 * of CPU in every process, for the same clock.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1000 + nanoseconds / 1e6;
}

let anchor: ClockAnchor | undefined;

/** A process's monotonic clock on the system clock: `offset`, known to within `uncertaintyMs` either way. */
export interface ClockAnchor {
  offset: number;
  uncertaintyMs: number;
}

/**
 * The wall clock in ms with sub-millisecond precision, comparable between
 * processes. performance.timeOrigin alone is off by up to a millisecond or so
 * per process (it is sampled at start-up); anchoring the monotonic clock to
 * the moment Date.now() ticks puts every process on the system clock within
 * microseconds.
 */
export function epochMs(): number {
  anchor ??= anchorClock(Date.now, monotonicMs);
  return anchor.offset + monotonicMs();
}

/**
 * How far this process's epochMs may be from the system clock. Another
 * process compares stamps with a tolerance of both processes' uncertainty: on
 * a loaded machine no try may catch the tick in a narrow bracket.
 */
export function clockUncertaintyMs(): number {
  anchor ??= anchorClock(Date.now, monotonicMs);
  return anchor.uncertaintyMs;
}

/** Wider than this, a try was interrupted (the process was descheduled): another try. */
const ANCHOR_WIDTH_MS = 0.05;
/** Three tries that bracket a tick are enough; more only while none has. */
const MAX_ANCHOR_TRIES = 20;

/**
 * The offset from `monotonic` to `wall` (Date.now and monotonicMs).
 * Date.now()'s tick is caught between the last monotonic read that a wall
 * read still saw before the tick and the first monotonic read after it; the
 * midpoint is where it happened. The first performance.now() of a process
 * initialises lazily (tens of ms on a loaded machine), so it is made before,
 * never inside a bracket. Of up to three tries, each at most a millisecond of
 * spinning, the narrowest bracket wins; a try whose tick came too soon to be
 * bracketed does not count.
 */
export function anchorClock(wall: () => number, monotonic: () => number): ClockAnchor {
  monotonic();
  // Without a bracket: Date.now() truncates (the wall time was within the millisecond after), somewhere between two monotonic reads.
  const first = monotonic();
  const wallRead = wall();
  const second = monotonic();
  const unbracketed = { offset: wallRead + 0.5 - (first + second) / 2, uncertaintyMs: 0.5 + (second - first) / 2 };
  let best = { offset: unbracketed.offset, width: Infinity };
  for (let tries = 0; tries < MAX_ANCHOR_TRIES && best.width > ANCHOR_WIDTH_MS; tries++) {
    const start = wall();
    let before = monotonic();
    let now = wall();
    if (now !== start) continue;
    while (now === start) {
      const read = monotonic();
      now = wall();
      if (now === start) before = read;
    }
    const after = monotonic();
    if (after - before < best.width) best = { offset: now - (before + after) / 2, width: after - before };
    if (tries >= 2 && best.width < Infinity) break;
  }
  // A bracket puts the tick within half its width.
  return best.width < Infinity ? { offset: best.offset, uncertaintyMs: best.width / 2 } : unbracketed;
}
