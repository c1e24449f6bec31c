// Rule 8 told by the built-in card: a power-up it heard between two calls of
// the act, after the act powered it off, is another process's. Literal stamps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { powerUpBetweenCalls } from '../../src/orchestrator/card-power.js';
import type { CallRecord } from '../../src/roles/protocol.js';

const made = (call: string, startedAt: number, durationMs: number, args: CallRecord['args'] = {}): CallRecord => ({
  call,
  args,
  rv: 0,
  name: null,
  startedAt,
  durationMs,
});

// direct-reconnect-keeps-protocol-undefined's act: shared connect 100–110, unpowering disconnect 120–130, direct connect 140–145, direct reconnect 150–152 (judged).
const ACT = [
  made('SCardConnect', 100, 10, { mode: 'shared' }),
  made('SCardDisconnect', 120, 10, { disposition: 'unpower' }),
  made('SCardConnect', 140, 5, { mode: 'direct' }),
  made('SCardReconnect', 150, 2, { mode: 'direct', initialization: 'leave' }),
];
const TOLERANCE = 1;

test('a power-up heard between two calls of the act, after it powered the card off, is found', () => {
  const changes = [
    { kind: 'on', at: 105 },
    { kind: 'off', at: 125 },
    { kind: 'on', at: 135 },
  ] as const;
  assert.deepEqual(powerUpBetweenCalls(changes, ACT, 'SCardReconnect', TOLERANCE), {
    kind: 'on',
    afterUnpowerMs: 5,
    before: 'SCardConnect',
  });
  // Between the direct connect and the judged reconnect: before the reconnect.
  assert.deepEqual(powerUpBetweenCalls([{ kind: 'reset', at: 147.5 }], ACT, 'SCardReconnect', TOLERANCE), {
    kind: 'reset',
    afterUnpowerMs: 18,
    before: 'SCardReconnect',
  });
});

test('a power-up inside a call of the act, or within the clock tolerance of one, may be that call: not found', () => {
  // During the direct connect (a stack that powers the card there), and just outside it, within 1 ms.
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 142 }], ACT, 'SCardReconnect', TOLERANCE), null);
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 139.5 }], ACT, 'SCardReconnect', TOLERANCE), null);
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 145.8 }], ACT, 'SCardReconnect', TOLERANCE), null);
  // Right after the unpowering call returned, within the tolerance: it may be stamped before the power-off it followed.
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 130.5 }], ACT, 'SCardReconnect', TOLERANCE), null);
});

test('power changes outside the window, and power-offs, are not found', () => {
  const changes = [
    { kind: 'on', at: 105 }, // the act's own shared connect
    { kind: 'on', at: 115 }, // before the act powered the card off
    { kind: 'off', at: 135 }, // a power-off is no protocol
    { kind: 'on', at: 160 }, // after the judged call returned
  ] as const;
  assert.equal(powerUpBetweenCalls(changes, ACT, 'SCardReconnect', TOLERANCE), null);
});

test('an act that does not power the card off, or lacks the judged call, has no window', () => {
  const noUnpower = ACT.map((call) => (call.args.disposition ? { ...call, args: { disposition: 'leave' } } : call));
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 135 }], noUnpower, 'SCardReconnect', TOLERANCE), null);
  assert.equal(powerUpBetweenCalls([{ kind: 'on', at: 135 }], ACT, 'SCardTransmit', TOLERANCE), null);
  // The judged call is the act's last of its name: the direct connect in direct-connect-protocol-undefined.
  assert.deepEqual(powerUpBetweenCalls([{ kind: 'on', at: 135 }], ACT.slice(0, 3), 'SCardConnect', TOLERANCE), {
    kind: 'on',
    afterUnpowerMs: 5,
    before: 'SCardConnect',
  });
});
