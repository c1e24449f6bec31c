// The holder takes the reader as soon as it is up, while the contender may
// still be starting (run-scenario.ts rolesReady), as lock.py held the reader
// before connect.py was run. What must not change: the contender acts only
// once it is up, inside the hold; a contender that never comes up makes the
// run inconclusive, not a verdict; --hold still counts from the hold; and a
// scenario whose contender acts before the hold waits for both, as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf } from '../../src/pcsc/return-codes.js';
import { findScenario } from '../../src/scenarios/catalog.js';
import { runWithFakes } from '../support/fake-roles.js';

const SHARING_VIOLATION = codeOf('SCARD_E_SHARING_VIOLATION');
const answers = { kind: 'answers', afterMs: 2, rv: SHARING_VIOLATION } as const;

test('the hold begins before the contender is up; the attempt comes once it is, inside the hold, and is judged', async () => {
  const { result, roles } = await runWithFakes({ contender: answers, contenderStart: { readyAfterMs: 60 } });
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(roles.requests, ['holder hold', 'contender ready', 'contender attempt', 'holder release']);
  assert.equal(result.evidence.attemptInsideHold, true);
  assert.equal(result.evidence.holderHeldThroughAnswer, true);
  const t = result.timeline;
  // The contender's start is inside the hold, before its attempt.
  assert.ok(t.contenderStarted! - t.readerHeld! >= 50, JSON.stringify(t));
  assert.ok(t.readerHeld! <= t.attempt! && t.attempt! <= t.answer! && t.answer! <= t.holderReleased!, JSON.stringify(t));
});

test('a contender that cannot start after the hold began makes the run inconclusive, and the holder lets go', async () => {
  const { result, roles } = await runWithFakes({ contender: answers, contenderStart: { fails: 'it exited with code 7' } });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the contender could not start: it exited with code 7');
  assert.equal(result.outcome, null);
  assert.deepEqual(roles.requests, ['holder hold', 'contender start failed']);
  assert.equal(roles.holder.running, false);
});

test('--hold counts from the hold: a contender up only after it ended is outside the hold, inconclusive', async () => {
  const { result, roles } = await runWithFakes({ contender: answers, contenderStart: { readyAfterMs: 150 } }, { holdSeconds: 0.05 });
  assert.equal(result.verdict, 'inconclusive', result.reason);
  assert.match(result.reason, /returned only after --hold \(0\.05 s\) ended the hold/);
  assert.equal(result.hint, 'raise --hold so the holder outlasts the attempt');
  assert.ok(roles.requests.indexOf('holder release') < roles.requests.indexOf('contender ready'), roles.requests.join(', '));
});

test('a scenario whose contender acts before the hold waits for both roles before the holder takes the reader', async () => {
  const scenario = findScenario('end-transaction-unpower-not-owner');
  assert.ok(scenario?.contender.before?.length, 'a scenario with steps before the hold');
  const { roles } = await runWithFakes({ contender: answers, contenderStart: { readyAfterMs: 30 } }, { scenario });
  assert.ok(!roles.requests.includes('contender ready'), 'the scripted late start is only for a holder-first run');
  assert.equal(roles.requests[0], 'contender prepare', roles.requests.join(', '));
});
