// The blocked rule's decisions (docs/how-repro-decides.md, rule 7), as pure
// functions of literal stamps: no role, no observer, no clock. The same rule
// inside a run: test/unit/run-once.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blockedObservation,
  cancelsItsWait,
  controlIsQuick,
  longestCall,
  returnAfterRelease,
  secondHoldFinding,
  secondHoldLongerMs,
  suspicionWaits,
} from '../../src/orchestrator/blocked-rule.js';
import type { CallRecord } from '../../src/roles/protocol.js';

const made = (call: string, startedAt: number, durationMs: number, rv = 0, args: CallRecord['args'] = {}): CallRecord => ({
  call,
  args,
  rv,
  name: null,
  startedAt,
  durationMs,
});

test('a call is suspected blocked after --blocked-after, and put to the rule after twice that again', () => {
  assert.deepEqual(suspicionWaits(1000), { suspectMs: 1000, confirmMs: 2000 });
  assert.deepEqual(suspicionWaits(100), { suspectMs: 100, confirmMs: 200 });
});

test('the second hold is let go 500 ms + --blocked-after later than the first', () => {
  assert.equal(secondHoldLongerMs(1000), 1500);
  assert.equal(secondHoldLongerMs(100), 600);
});

test('the call that waited is the longest of the act, the first of equals, none in an empty act', () => {
  const disconnect = made('SCardDisconnect', 5000, 2);
  const connect = made('SCardConnect', 2000, 3000, 0, { mode: 'shared' });
  assert.equal(longestCall([made('SCardConnect', 1000, 4), connect, disconnect]), connect);
  const first = made('SCardStatus', 1000, 7);
  assert.equal(longestCall([first, made('SCardStatus', 1010, 7)]), first);
  assert.equal(longestCall([]), undefined);
});

test('an act that came back before the release began was slow, not blocked', () => {
  assert.deepEqual(returnAfterRelease(999, 999, 1000, 1100, 0), { kind: 'while-held' });
  // The act's last call decides, even when the longest returned later.
  assert.deepEqual(returnAfterRelease(999, 1200, 1000, 1100, 0), { kind: 'while-held' });
  // An act that made no call has no call that waited.
  assert.deepEqual(returnAfterRelease(1200, null, 1000, 1100, 0), { kind: 'while-held' });
});

test('a call that returned from the start of the release to 500 ms after its end followed the release', () => {
  assert.deepEqual(returnAfterRelease(1000, 1000, 1000, 1100, 0), { kind: 'followed-release', afterReleaseMs: -100 });
  assert.deepEqual(returnAfterRelease(1150, 1150, 1000, 1100, 0), { kind: 'followed-release', afterReleaseMs: 50 });
  assert.deepEqual(returnAfterRelease(1600, 1600, 1000, 1100, 0), { kind: 'followed-release', afterReleaseMs: 500 });
});

test('a return stamped just before the release, within the clock tolerance of the two processes, may have followed it', () => {
  // Another process's clock may put a call that waited a moment before the release it waited for.
  assert.deepEqual(returnAfterRelease(998, 998, 1000, 1100, 3), { kind: 'followed-release', afterReleaseMs: -102 });
  assert.deepEqual(returnAfterRelease(997, 997, 1000, 1100, 3), { kind: 'followed-release', afterReleaseMs: -103 });
  // Clearly before the release, beyond the tolerance: made while held.
  assert.deepEqual(returnAfterRelease(996.9, 996.9, 1000, 1100, 3), { kind: 'while-held' });
});

test('a call that returned more than 500 ms after the release ended was late: not clearly blocked', () => {
  assert.deepEqual(returnAfterRelease(1601, 1601, 1000, 1100, 0), { kind: 'late', afterReleaseMs: 501 });
  assert.deepEqual(returnAfterRelease(9000, 4000, 1000, 1100, 0), { kind: 'late', afterReleaseMs: 2900 });
});

test('a blocked act names the call that waited, its share mode, and what it answered after the release', () => {
  const waited = made('SCardConnect', 1000, 3012.3456, 0, { mode: 'shared', reader: 'R' });
  assert.deepEqual(blockedObservation(waited, 300, 3312, 12.345), {
    observed: {
      ok: false,
      call: 'SCardConnect',
      mode: 'shared',
      blocked: true,
      afterMs: 300,
      thenReturned: { ok: true, name: 'SCARD_S_SUCCESS', afterMs: 3312, afterReleaseMs: 12.3 },
    },
    outcome: { kind: 'blocked', call: 'SCardConnect', mode: 'shared' },
  });
});

test('a blocked call with no share mode, an error answer, and a return inside the release', () => {
  const waited = made('SCardTransmit', 1000, 3000, 0x8010000b);
  assert.deepEqual(blockedObservation(waited, 300, 3300, -40), {
    observed: {
      ok: false,
      call: 'SCardTransmit',
      blocked: true,
      afterMs: 300,
      thenReturned: { ok: false, name: 'SCARD_E_SHARING_VIOLATION', afterMs: 3300, afterReleaseMs: 0 },
    },
    outcome: { kind: 'blocked', call: 'SCardTransmit' },
  });
  // A code the table does not know is named by its hex.
  assert.equal(blockedObservation(made('SCardStatus', 0, 1, 0x80100099), 1, 2, 3).observed.thenReturned.name, '0x80100099');
});

test('an act that cancels its own wait has no blocked answer to judge', () => {
  assert.equal(cancelsItsWait([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardCancel' }]), true);
  assert.equal(cancelsItsWait([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardTransmit' }]), false);
  assert.equal(cancelsItsWait([]), false);
});

test('the act on the free reader must take less than half of --blocked-after', () => {
  assert.equal(controlIsQuick(0, 1000), true);
  assert.equal(controlIsQuick(499, 1000), true);
  assert.equal(controlIsQuick(500, 1000), false);
  assert.equal(controlIsQuick(49, 100), true);
  assert.equal(controlIsQuick(50, 100), false);
});

test('the second hold confirms the wait when the same call waited and the releases lie more than 500 ms apart', () => {
  const first = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 3000, returnedAfterMs: 3020 } };
  const later = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 4501, returnedAfterMs: 4530 } };
  assert.deepEqual(secondHoldFinding(first, later, 12), {
    kind: 'confirmed',
    evidence: {
      controlMs: 12,
      holds: [
        { releasedAfterMs: 3000, returnedAfterMs: 3020 },
        { releasedAfterMs: 4501, returnedAfterMs: 4530 },
      ],
    },
  });
});

test('releases no more than 500 ms apart could both fit one fixed delay', () => {
  const first = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 3000, returnedAfterMs: 3020 } };
  const close = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 3500, returnedAfterMs: 3520 } };
  assert.deepEqual(secondHoldFinding(first, close, 12), { kind: 'releases-too-close', apartMs: 500 });
  const earlier = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 2000, returnedAfterMs: 2020 } };
  assert.deepEqual(secondHoldFinding(first, earlier, 12), { kind: 'releases-too-close', apartMs: -1000 });
});

test('another call, or the same call in another share mode, waiting in the second hold confirms nothing', () => {
  const first = { call: 'SCardConnect', mode: 'shared', hold: { releasedAfterMs: 3000, returnedAfterMs: 3020 } };
  const hold = { releasedAfterMs: 4600, returnedAfterMs: 4620 };
  assert.deepEqual(secondHoldFinding(first, { call: 'SCardConnect', mode: 'exclusive', hold }, 12), { kind: 'different-call' });
  assert.deepEqual(secondHoldFinding(first, { call: 'SCardTransmit', hold }, 12), { kind: 'different-call' });
  assert.deepEqual(secondHoldFinding({ call: 'SCardTransmit', hold: first.hold }, { call: 'SCardTransmit', hold }, 12).kind, 'confirmed');
});
