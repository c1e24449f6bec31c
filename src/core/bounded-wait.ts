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

/** The wall clock in ms with sub-millisecond precision: comparable between processes. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
