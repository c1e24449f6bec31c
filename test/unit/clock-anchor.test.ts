// Role processes stamp their calls on one timeline through epochMs; a wrong
// anchor shifts a whole process and makes a sound run look impossible
// ("the attempt fell outside the hold window"). A simulated machine: every
// clock read costs 1 µs, the wall clock ticks in whole ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorClock } from '../../src/core/bounded-wait.js';

const EPOCH = 1_795_000_000_000.4;

function machine(stalls: Record<number, number>) {
  let t = 0;
  let monotonicReads = 0;
  return {
    wall: () => {
      t += 0.001;
      return Math.floor(EPOCH + t);
    },
    // A stall before the n-th read returns: lazy initialisation, or the process descheduled.
    monotonic: () => {
      t += 0.001 + (stalls[monotonicReads++] ?? 0);
      return t;
    },
  };
}

test('a slow first performance.now() does not shift the anchor', () => {
  const { wall, monotonic } = machine({ 0: 20 });
  assert.ok(Math.abs(anchorClock(wall, monotonic).offset - EPOCH) < 0.01);
});

test('a try cut by descheduling loses to a narrower one', () => {
  // A read inside the first try's spin stalls across several ticks.
  const { wall, monotonic } = machine({ 5: 8 });
  assert.ok(Math.abs(anchorClock(wall, monotonic).offset - EPOCH) < 0.01);
});

test('a tick between the first wall read and the first monotonic read is not taken for a bracket', () => {
  // The 1st bracket read stalls past the tick: that try cannot say when the tick came.
  const { wall, monotonic } = machine({ 2: 1.5 });
  assert.ok(Math.abs(anchorClock(wall, monotonic).offset - EPOCH) < 0.01);
});

test("the anchor says how well it knows the tick: half a bracket, or the coarse read's own bounds when no try bracketed one", () => {
  const { wall, monotonic } = machine({});
  const undisturbed = anchorClock(wall, monotonic);
  assert.ok(undisturbed.uncertaintyMs > 0 && undisturbed.uncertaintyMs <= 0.05, String(undisturbed.uncertaintyMs));
  // Every monotonic read stalls 2 ms: no try can bracket a tick narrowly.
  let t = 0;
  const stalled = anchorClock(
    () => {
      t += 0.001;
      return Math.floor(EPOCH + t);
    },
    () => {
      t += 2;
      return t;
    },
  );
  assert.ok(stalled.uncertaintyMs > 1, String(stalled.uncertaintyMs));
  assert.ok(Math.abs(stalled.offset - EPOCH) <= stalled.uncertaintyMs, `${stalled.offset - EPOCH} off, said ${stalled.uncertaintyMs}`);
});
