// scripts/lib/bench.ts: the paired ratio bench:repro prints beside its target
// is the median of the rounds' own ratios, not a ratio of medians.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, pairedRatio } from '../../scripts/lib/bench.js';

test('pairedRatio is the median of the round-by-round ratios', () => {
  assert.equal(pairedRatio([110, 300, 90], [100, 200, 100]), 1.1);
  // Ratios 1.2, 1, 1.5, 0.9: an even count takes the mean of the middle two.
  assert.ok(Math.abs(pairedRatio([120, 100, 300, 90], [100, 100, 200, 100]) - 1.1) < 1e-12);
});

test('one slow round moves a ratio of medians, not the paired ratio', () => {
  const floor = [100, 200, 300];
  const repro = [300, 220, 310];
  assert.equal(median(repro) / median(floor), 1.5);
  assert.equal(pairedRatio(repro, floor), 1.1);
});
