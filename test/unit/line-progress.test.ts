// A dumb terminal's progress: a plain line per state, never a redraw, so a
// countdown or a run counter does not fill the screen with its ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineProgress } from '../../src/render/spinner.js';

const recorded = () => {
  const lines: string[] = [];
  return { lines, progress: lineProgress((line) => lines.push(line)) };
};

test('each new state is one line, and the same state again is none', () => {
  const { lines, progress } = recorded();
  progress.update('preparing');
  progress.update('preparing');
  progress.update('holder takes the reader');
  progress.update('preparing');
  assert.deepEqual(lines, ['preparing\n', 'holder takes the reader\n', 'preparing\n']);
  assert.equal(progress.spinning, false, 'nothing is redrawn: a prompt takes a line of its own');
});

test('a countdown or a counter is one state however often it ticks', () => {
  const { lines, progress } = recorded();
  for (let left = 10; left >= 0; left--) progress.update(`holding, ${left} s left (Ctrl-C releases now)`);
  for (let done = 1; done <= 32; done++) progress.update(`run ${done}/32`);
  assert.deepEqual(lines, ['holding, 10 s left (Ctrl-C releases now)\n', 'run 1/32\n']);
});

test('nothing after stop', () => {
  const { lines, progress } = recorded();
  progress.update('connecting');
  progress.stop();
  progress.update('holding, 3 s left');
  assert.deepEqual(lines, ['connecting\n']);
});
