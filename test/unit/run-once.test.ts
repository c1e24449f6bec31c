// The run logic against an in-memory holder, contender and observer: each
// rule of "How repro decides", and each way the evidence can be ambiguous,
// without a process or a PC/SC service. The same rules on the real stack:
// test/e2e/no-false-verdicts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnce } from '../../src/orchestrator/run-scenario.js';
import type { CardControl, RunOptions } from '../../src/orchestrator/run-types.js';
import { BLOCKED_RULE } from '../../src/orchestrator/blocked-rule.js';
import { codeOf } from '../../src/pcsc/return-codes.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { yosemiteSharedConnect } from '../../src/scenarios/yosemite-shared-connect.js';
import { exclusiveConnectDuringTransaction } from '../../src/scenarios/exclusive-connect-during-transaction.js';
import { transmitAfterReinsertion, transmitAfterRemoval } from '../../src/scenarios/card-state.js';
import { directConnectProtocol } from '../../src/scenarios/direct-mode.js';
import { cancelBlockedStatusChange } from '../../src/scenarios/cancel.js';
import { exclusiveConnectAfterTransaction } from '../../src/scenarios/transaction-rules.js';
import type { Scenario } from '../../src/scenarios/types.js';
import { FakeRoles, fakeRunOptions, READER, runWithFakes, type Script } from '../support/fake-roles.js';
import { HELD_FLAG } from '../../src/orchestrator/reader-accounting.js';
import { findScenario } from '../../src/scenarios/catalog.js';

const SHARING_VIOLATION = codeOf('SCARD_E_SHARING_VIOLATION');
const BLOCKED_AFTER = 0.1;

test('an answer while the reader is held is judged by its code', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'answers', afterMs: 2, rv: SHARING_VIOLATION } });
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' });
  assert.deepEqual(result.evidence, {
    precondition: 'observer',
    readerStateWhileHeld: ['PRESENT', 'EXCLUSIVE'],
    holderHeldThroughAnswer: true,
    attemptInsideHold: true,
    blocked: null,
  });
  const t = result.timeline;
  assert.ok(
    t.readerHeld! <= t.contenderStarted! && t.contenderStarted! <= t.attempt! && t.attempt! <= t.answer! && t.answer! <= t.holderReleased!,
    JSON.stringify(t),
  );
  assert.equal(result.reader.name, READER);
  assert.deepEqual(result.notes, []);
  assert.deepEqual(
    result.calls.map((c) => `${c.role} ${c.call}`),
    ['holder SCardConnect', 'contender SCardConnect', 'holder SCardDisconnect'],
  );
});

test('a slow call that returns while the reader is held is judged by its code, never called blocked', async () => {
  // Past --blocked-after, and past it by 100 %: both inside the confirmation hold.
  for (const factor of [1.05, 2]) {
    const { result } = await runWithFakes(
      { contender: { kind: 'answers', afterMs: BLOCKED_AFTER * 1000 * factor, rv: 0 } },
      { scenario: yosemiteSharedConnect },
    );
    assert.equal(result.verdict, 'not-affected', `${factor}: ${result.reason}`);
    assert.deepEqual(result.outcome, { kind: 'success' });
    assert.ok(result.timeline.connectLatencyMs! >= BLOCKED_AFTER * 1000 * factor - 1, String(result.timeline.connectLatencyMs));
  }
});

test('blocked: unreturned through the confirmation hold, then back promptly after the release', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0 } }, { scenario: yosemiteSharedConnect });
  assert.equal(result.verdict, 'bug-reproduced', result.reason);
  assert.equal(result.knownBug?.vendorBug, '21703315');
  assert.deepEqual(result.outcome, { kind: 'blocked', call: 'SCardConnect', mode: 'shared' });
  assert.ok(result.observed && 'blocked' in result.observed);
  const observed = result.observed as { afterMs: number; thenReturned: { name: string; afterReleaseMs: number } };
  assert.ok(observed.afterMs >= BLOCKED_AFTER * 1000 * (1 + BLOCKED_RULE.confirmFactor) - 5, String(observed.afterMs));
  assert.equal(observed.thenReturned.name, 'SCARD_S_SUCCESS');
  assert.ok(observed.thenReturned.afterReleaseMs <= BLOCKED_RULE.releasePromptMs);
  // On pcsc-lite an exclusive connect waits for another process's transaction: as expected.
  const transaction = await runWithFakes(
    { contender: { kind: 'waits-for-release', rv: 0 } },
    { scenario: exclusiveConnectDuringTransaction },
  );
  assert.equal(transaction.result.verdict, 'not-affected', transaction.result.reason);
});

test('a call that returns long after the release is not clearly blocked: inconclusive', async () => {
  const lagMs = BLOCKED_RULE.releasePromptMs + 100;
  const { result } = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0, lagMs } }, { scenario: yosemiteSharedConnect });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /returned \d+ ms after the holder let go, later than the 500 ms/);
});

test('a call that never returns, even after the release, is inconclusive and its process replaced', async () => {
  const { result, roles } = await runWithFakes({ contender: { kind: 'never-returns' } }, { scenario: yosemiteSharedConnect });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /still had not 1 s after the holder let go/);
  assert.ok(roles.restarted.includes('contender'));
});

test('the holder dies while taking the reader: inconclusive, and why', async () => {
  const { result } = await runWithFakes({ holderDiesOn: 'hold', contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the holder died before it could report holding the reader');
  assert.match(result.hint ?? '', /sc-repro lock/);
});

test('the holder dies before reporting its release: inconclusive', async () => {
  const { result } = await runWithFakes({ holderDiesOn: 'release', contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the holder died before it could report its release');
});

test('the contender dies during its attempt: inconclusive', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'dies' } });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the contender died before it could answer');
});

test('interrupted: the reason says so, whatever the roles did on the way out', async () => {
  const controller = new AbortController();
  const roles = new FakeRoles({ contender: { kind: 'never-returns' } });
  setTimeout(() => {
    controller.abort('interrupted');
    // What a Ctrl-C does to real roles: they are gone at once.
    void roles.stop();
  }, 30);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ signal: controller.signal }));
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'interrupted');
});

test('an attempt that falls outside the hold (a holder whose clock lies) is inconclusive', async () => {
  const { result } = await runWithFakes({ heldClockSkewMs: 5_000, contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the attempt fell outside the hold window');
});

test("a skew within the roles' own clock uncertainty is no lie: the run is judged; beyond it, inconclusive", async () => {
  // A role descheduled through every try of its anchor said its stamps may be 1.5 ms off: a held stamp 2 ms late is within the two.
  const within = await runWithFakes({
    heldClockSkewMs: 2,
    clockUncertaintyMs: 1.5,
    contender: { kind: 'answers', afterMs: 0, rv: SHARING_VIOLATION },
  });
  assert.equal(within.result.verdict, 'not-affected', within.result.reason);
  const beyond = await runWithFakes({
    heldClockSkewMs: 50,
    clockUncertaintyMs: 1.5,
    contender: { kind: 'answers', afterMs: 0, rv: SHARING_VIOLATION },
  });
  assert.equal(beyond.result.verdict, 'inconclusive');
  assert.equal(beyond.result.reason, 'the attempt fell outside the hold window');
});

test('an answer that comes only after --hold ended the hold is inconclusive', async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'waits-for-release', rv: 0 } },
    { scenario: yosemiteSharedConnect, holdSeconds: 0.05 },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /--hold \(0\.05 s\) ended the hold/);
});

test('only the judged call is judged: a failing disconnect after it is a note', async () => {
  const invalidHandle = codeOf('SCARD_E_INVALID_HANDLE');
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, disconnectRv: invalidHandle },
    { scenario: yosemiteSharedConnect },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success' });
  assert.deepEqual(result.notes, ["the contender's SCardDisconnect returned SCARD_E_INVALID_HANDLE (0x80100003)"]);
});

test('a contender that acted on another reader makes the run inconclusive', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'answers', afterMs: 1, rv: 0 }, contenderReader: 'Other Reader 00 01' });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /the contender acted on "Other Reader 00 01", not "Fake Reader 00 00"/);
});

test('a reader another process holds: the holder waits for it, then the run goes on', async () => {
  const { result } = await runWithFakes({ busyOnce: true, contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  assert.equal(result.verdict, 'not-affected', result.reason);
});

test('the card pulled while held ends the run: inconclusive, environment lost', async () => {
  const roles = new FakeRoles({ contender: { kind: 'never-returns' } });
  setTimeout(() => (roles.observer.flags = ['EMPTY']), 30);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ blockedAfterSeconds: 1 }));
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /^the holder stopped: SCARD_W_REMOVED_CARD/);
  assert.equal(result.environmentLost, true);
});

test('a stack that shows no EXCLUSIVE/INUSE: the holder proves the hold with SCardStatus, and the result says so', async () => {
  const memory = { holdsUnseen: new Set<'exclusive' | 'shared' | 'direct'>() };
  const roles = new FakeRoles({ hidesShareState: true, contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ memory }));
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.equal(result.evidence.precondition, 'holder');
  assert.deepEqual(result.evidence.readerStateWhileHeld, ['PRESENT']);
  assert.deepEqual([...memory.holdsUnseen], ['exclusive'], "the next exclusive holds start with the holder's proof");
  // Taken, let go, taken again with the proof: never silently.
  assert.deepEqual(
    result.calls.filter((c) => c.role === 'holder').map((c) => c.call),
    ['SCardConnect', 'SCardDisconnect', 'SCardConnect', 'SCardStatus', 'SCardStatus', 'SCardDisconnect'],
  );
  const next = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ memory }));
  assert.equal(next.evidence.precondition, 'holder');
  assert.deepEqual(
    next.calls.filter((c) => c.role === 'holder').map((c) => c.call),
    ['SCardConnect', 'SCardStatus', 'SCardStatus', 'SCardDisconnect'],
  );
});

test("the holder's proof fails before its release: the hold is not proved, inconclusive", async () => {
  const { result } = await runWithFakes({
    hidesShareState: true,
    statusBeforeReleaseRv: codeOf('SCARD_E_INVALID_HANDLE'),
    contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION },
  });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    "the hold is not proved: the holder's SCardStatus returned SCARD_E_INVALID_HANDLE (0x80100003) before its release",
  );
});

test('a stack that shows an exclusive hold as INUSE, never EXCLUSIVE: the holder proves it, and the result says what the third party saw', async () => {
  const memory = { holdsUnseen: new Set<'exclusive' | 'shared' | 'direct'>() };
  const roles = new FakeRoles({ inUseOnly: true, contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  for (let i = 0; i < 3; i++) {
    const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ memory }));
    assert.equal(result.verdict, 'not-affected', result.reason);
    assert.equal(result.evidence.precondition, 'holder');
    assert.deepEqual(result.evidence.readerStateWhileHeld, ['PRESENT', 'INUSE']);
    // The holder's exclusive handle is what shows as INUSE: no foreign process in the accounting before, during or after.
    const holder = result.calls.filter((c) => c.role === 'holder').map((c) => c.call);
    assert.deepEqual(
      holder,
      i === 0
        ? ['SCardConnect', 'SCardDisconnect', 'SCardConnect', 'SCardStatus', 'SCardStatus', 'SCardDisconnect']
        : ['SCardConnect', 'SCardStatus', 'SCardStatus', 'SCardDisconnect'],
    );
  }
  assert.deepEqual([...memory.holdsUnseen], ['exclusive']);
  // A shared hold this stack does show: seen by the third party, no proof asked of the holder.
  const sharedRoles = new FakeRoles({ inUseOnly: true, contender: { kind: 'answers', afterMs: 1, rv: 0 } });
  const shared = await runOnce(
    { roles: sharedRoles, observer: sharedRoles.observer },
    fakeRunOptions({ memory, scenario: yosemiteSharedConnect }),
  );
  assert.equal(shared.verdict, 'not-affected', shared.reason);
  assert.equal(shared.evidence.precondition, 'observer');
  assert.deepEqual(
    shared.calls.filter((c) => c.role === 'holder').map((c) => c.call),
    ['SCardConnect', 'SCardDisconnect'],
  );
});

test('a third party that sees a different holder than ours is not a hidden share mode: inconclusive', async () => {
  // What the third party sees while the holder says it holds: [holder's mode, flags].
  const cases: [Scenario, string[]][] = [
    [yosemiteSharedConnect, ['PRESENT', 'EXCLUSIVE']],
    [elCapitanScardConnect, ['EMPTY']],
    [elCapitanScardConnect, []],
    [elCapitanScardConnect, ['PRESENT', 'MUTE', 'INUSE']],
  ];
  for (const [scenario, flags] of cases) {
    const roles = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: 0 } });
    const original = roles.observer.look.bind(roles.observer);
    // Free before the hold; while it is held, the state under test.
    roles.observer.look = () => (roles.observer.flags.length > 1 ? { ...original(), flags: flags as never } : original());
    const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ scenario }));
    assert.equal(result.verdict, 'inconclusive', `${flags.join(' ')}: ${result.reason}`);
    assert.equal(
      result.reason,
      `the holder said it held the reader, but a third party saw ${flags.join(' ') || 'no state'}, not ${HELD_FLAG[scenario.holder.mode]}`,
    );
  }
});

// Windows resets the card of a transaction idle for more than 5 s
// (SCardBeginTransaction remarks): the holder's next call says SCARD_W_RESET_CARD.

const RESET_CARD = codeOf('SCARD_W_RESET_CARD');
const WINDOWS = { name: 'ffi', version: null, library: 'winscard.so', layout: 'windows' } as const;
const PCSCLITE = { ...WINDOWS, library: 'libpcsclite.so.1', layout: 'pcsclite' } as const;

async function runOn(layout: typeof WINDOWS | typeof PCSCLITE, script: Script, overrides: Partial<RunOptions>) {
  const roles = new FakeRoles(script);
  roles.bindings.holder = layout;
  return runOnce({ roles, observer: roles.observer }, fakeRunOptions(overrides));
}

test("a transaction reset by Windows' idle rule is not the stack's answer: inconclusive, naming the rule", async () => {
  // The contender's SCardTransmit, waiting for the transaction, returns at the reset while the reader is still held.
  const result = await runOn(
    WINDOWS,
    { contender: { kind: 'answers', afterMs: 2, rv: RESET_CARD }, statusBeforeReleaseRv: RESET_CARD, holderIdleMs: 6000 },
    { scenario: findScenario('transaction-blocks-transmit')! },
  );
  assert.equal(result.verdict, 'inconclusive', result.reason);
  assert.match(
    result.reason,
    /^the holder's transaction was reset during the hold, by no act of the contender: the holder's SCardStatus returned SCARD_W_RESET_CARD after its transaction had been idle for (\d+) ms; Windows resets the card when a transaction stays idle for more than 5 s \(Microsoft, SCardBeginTransaction\)/,
  );
  assert.ok(Number(/idle for (\d+) ms/.exec(result.reason)![1]) >= 6000, result.reason);
  assert.match(result.hint ?? '', /under 5 s/);
  assert.equal(result.knownBug, null);
});

test('a transaction reset that no act of the contender explains is inconclusive on any stack', async () => {
  const result = await runOn(
    PCSCLITE,
    { contender: { kind: 'waits-for-release', rv: 0 }, statusBeforeReleaseRv: RESET_CARD },
    { scenario: exclusiveConnectDuringTransaction },
  );
  assert.equal(result.verdict, 'inconclusive', result.reason);
  assert.match(
    result.reason,
    /^the holder's transaction was reset during the hold, by no act of the contender: .*; another process may have reset the card/,
  );
});

test("a reset the contender asked for is its answer, unless Windows' idle rule could have done it too", async () => {
  const scenario = findScenario('owner-not-reset-by-foreign-unpower')!;
  const script = (): Script => ({
    contender: { kind: 'answers', afterMs: 1, rv: 0 },
    holderCallRv: RESET_CARD,
    statusBeforeReleaseRv: RESET_CARD,
  });
  // Quick: the contender's SCardEndTransaction(SCARD_UNPOWER_CARD) did it, on any stack; the expectations are
  // those of the stack underneath (pcsc-lite), where that reset is the signature of pcsc-lite 1.8.16 and earlier.
  for (const layout of [WINDOWS, PCSCLITE]) {
    const result = await runOn(layout, script(), { scenario });
    assert.equal(result.verdict, 'bug-reproduced', `${layout.layout}: ${result.reason}`);
    assert.equal(result.knownBug?.id, 'pcsc-lite-74656f24');
    assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_W_RESET_CARD' });
  }
  // Idle longer than the rule allows: on Windows either could have reset the card.
  const windows = await runOn(WINDOWS, { ...script(), holderIdleMs: 6000 }, { scenario });
  assert.equal(windows.verdict, 'inconclusive', windows.reason);
  assert.match(
    windows.reason,
    /so whether the contender's SCardEndTransaction\(SCARD_UNPOWER_CARD\) or that rule reset the card cannot be told$/,
  );
  const pcsclite = await runOn(PCSCLITE, { ...script(), holderIdleMs: 6000 }, { scenario });
  assert.equal(pcsclite.verdict, 'bug-reproduced', pcsclite.reason);
  assert.equal(pcsclite.knownBug?.id, 'pcsc-lite-74656f24');
});

test('a transaction that lasted its hold is judged as before', async () => {
  const result = await runOn(WINDOWS, { contender: { kind: 'waits-for-release', rv: 0 } }, { scenario: exclusiveConnectDuringTransaction });
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.ok(
    result.calls.some((c) => c.role === 'holder' && c.call === 'SCardStatus'),
    'the owner looked at its handle before letting go',
  );
});

/** A card the fake observer sees go and come back; `ignores` leaves it in the reader. */
function fakeCard(roles: () => FakeRoles, events: string[], ignores = false): CardControl {
  return {
    withinMs: 100,
    async remove() {
      events.push('remove');
      if (!ignores) roles().observer.flags = [];
    },
    async insert() {
      events.push('insert');
      roles().observer.flags = ['PRESENT'];
    },
    settled: () => void events.push('settled'),
  };
}

async function runWithCard(script: Script, scenario: Scenario, ignores = false) {
  const events: string[] = [];
  const roles = new FakeRoles(script);
  const result = await runOnce(
    { roles, observer: roles.observer },
    fakeRunOptions({ scenario, card: fakeCard(() => roles, events, ignores) }),
  );
  return { result, events };
}

test("a card scenario: the card goes and comes back before the holder's judged call, which is the observation", async () => {
  const { result, events } = await runWithCard(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, holderCallRv: codeOf('SCARD_W_REMOVED_CARD') },
    transmitAfterReinsertion,
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_W_REMOVED_CARD' });
  assert.deepEqual(events, ['remove', 'settled', 'insert', 'settled']);
  assert.deepEqual(
    result.calls.map((c) => `${c.role} ${c.call}`),
    ['holder SCardConnect', 'holder SCardTransmit', 'holder SCardDisconnect'],
  );
});

test('a card scenario with nobody to take the card out is inconclusive: needs card removal', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'answers', afterMs: 1, rv: 0 } }, { scenario: transmitAfterReinsertion });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /^needs card removal/);
});

test('a removal the reader never shows is inconclusive, and nothing is asked back', async () => {
  const { result, events } = await runWithCard(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, holderCallRv: codeOf('SCARD_W_REMOVED_CARD') },
    transmitAfterRemoval,
    true,
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /the card was not taken out of "Fake Reader 00 00" within 0.1 s/);
  assert.deepEqual(events, ['remove', 'settled']);
});

test('a card scenario is judged on card codes only: a service gone during it is inconclusive, never an answer', async () => {
  const { result, events } = await runWithCard(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, holderCallRv: codeOf('SCARD_E_NO_SERVICE') },
    transmitAfterRemoval,
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /SCARD_E_NO_SERVICE/);
  assert.equal(result.environmentLost, true);
  // The scenario took the card out: it goes back for the next run.
  assert.deepEqual(events, ['remove', 'settled', 'insert', 'settled']);
});

test('a blocked act names the call that waited: only a SHARED connect waiting is Apple 21703315', async () => {
  // direct-connect-protocol-undefined: SCardConnect(SHARED), SCardDisconnect(UNPOWER), then the judged SCardConnect(DIRECT).
  const direct = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0 } }, { scenario: directConnectProtocol });
  assert.deepEqual(direct.result.outcome, { kind: 'blocked', call: 'SCardConnect', mode: 'direct' });
  assert.equal(direct.result.verdict, 'unexpected', direct.result.reason);
  assert.equal(direct.result.knownBug, null);
  assert.match(direct.result.reason, /blocked \(SCardConnect\(DIRECT\) waited for the holder to let go\)/);
  const shared = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0, step: 0 } }, { scenario: directConnectProtocol });
  assert.deepEqual(shared.result.outcome, { kind: 'blocked', call: 'SCardConnect', mode: 'shared' });
  assert.equal(shared.result.verdict, 'bug-reproduced', shared.result.reason);
  assert.equal(shared.result.knownBug?.vendorBug, '21703315');
});

// Blocked needs evidence that the call waited for the holder: it follows the
// release in two holds let go at different moments, and the act alone is quick.

test('a blocked call is confirmed: it follows the release in two holds let go at moments further apart than the release window', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0 } }, { scenario: yosemiteSharedConnect });
  assert.equal(result.verdict, 'bug-reproduced', result.reason);
  const blocked = result.evidence.blocked!;
  assert.equal(blocked.holds.length, 2);
  const [first, second] = blocked.holds;
  assert.ok(second!.releasedAfterMs - first!.releasedAfterMs > BLOCKED_RULE.releasePromptMs, JSON.stringify(blocked));
  for (const hold of blocked.holds)
    assert.ok(
      hold.returnedAfterMs >= hold.releasedAfterMs && hold.returnedAfterMs - hold.releasedAfterMs <= BLOCKED_RULE.releasePromptMs,
      JSON.stringify(hold),
    );
  assert.ok(blocked.controlMs < BLOCKED_AFTER * 1000 * BLOCKED_RULE.controlFraction, String(blocked.controlMs));
  // Both holds and the act on the free reader are in the calls: three contender connects, two holder connects.
  assert.equal(result.calls.filter((c) => c.role === 'contender' && c.call === 'SCardConnect').length, 3);
  assert.equal(result.calls.filter((c) => c.role === 'holder' && c.call === 'SCardConnect').length, 2);
});

test('a fixed delay that ends just after the release is not blocked: the act alone on the free reader is as slow, inconclusive', async () => {
  const afterMs = BLOCKED_AFTER * 1000 * (1 + BLOCKED_RULE.confirmFactor) + 60;
  for (const scenario of [yosemiteSharedConnect, elCapitanScardConnect]) {
    const { result } = await runWithFakes({ contender: { kind: 'answers', afterMs, rv: 0 } }, { scenario });
    assert.equal(result.verdict, 'inconclusive', `${scenario.id}: ${result.reason}`);
    assert.match(result.reason, /^the stack is slow here: the same act on the free reader took \d+ ms/);
    assert.equal(result.knownBug, null);
  }
});

test('a delay only while the reader is held, that waits for nobody, does not follow a later release: inconclusive', async () => {
  const afterMs = BLOCKED_AFTER * 1000 * (1 + BLOCKED_RULE.confirmFactor) + 60;
  const { result } = await runWithFakes({ contender: { kind: 'slow-when-held', afterMs, rv: 0 } }, { scenario: yosemiteSharedConnect });
  assert.equal(result.verdict, 'inconclusive', result.reason);
  assert.match(
    result.reason,
    /^the SCardConnect did not follow the release: in the first hold it returned \d+ ms after the attempt, just after the holder let go at \d+ ms; in a second hold, let go 600 ms later, it returned \d+ ms after the attempt, while the holder still held the reader$/,
  );
});

test('a status-change wait that returns at the release was not cancelled: inconclusive, never blocked', async () => {
  const { result } = await runWithFakes({ contender: { kind: 'waits-for-release', rv: 0 } }, { scenario: cancelBlockedStatusChange });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(
    result.reason,
    /returned SCARD_S_SUCCESS only when the holder let go \(\d+ ms after the attempt\): the SCardCancel did not take effect/,
  );
});

// The reader must be ours: a hold that neither role explains is another process's.

test('another process holds the reader before the run and keeps it: inconclusive, the state seen, the scdaemon hint', async () => {
  const roles = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  roles.observer.flags = ['PRESENT', 'INUSE'];
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ timeoutSeconds: 0.2 }));
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    'another process is using the reader: a third party saw PRESENT INUSE before the holder took it for all of --timeout (0.2 s), and no handle of the holder or the contender explains INUSE',
  );
  assert.match(result.hint ?? '', /gpgconf --kill scdaemon/);
  assert.deepEqual(result.calls, [], 'no role acted');
});

test('another process that lets go of the reader within --timeout: the run waits for it, then goes on', async () => {
  const roles = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } });
  roles.observer.flags = ['PRESENT', 'INUSE'];
  setTimeout(() => (roles.observer.flags = ['PRESENT']), 50);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions());
  assert.equal(result.verdict, 'not-affected', result.reason);
});

test("another process takes the reader right after the judged call: inconclusive, not the stack's answer", async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, onAct: (observer) => (observer.flags = ['PRESENT', 'EXCLUSIVE']) },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /^another process is using the reader: a third party saw PRESENT EXCLUSIVE right after the contender acted/);
});

test('the service goes away between the answer and the end of the run: inconclusive, environment lost, never judged', async () => {
  const gone = Object.assign(new Error('SCARD_E_NO_SERVICE (0x8010001D): Service not available.'), { code: codeOf('SCARD_E_NO_SERVICE') });
  const { result } = await runWithFakes({
    contender: { kind: 'answers', afterMs: 1, rv: codeOf('SCARD_W_SECURITY_VIOLATION') },
    onAct: (observer) => (observer.gone = gone),
  });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /SCARD_E_NO_SERVICE/);
  assert.equal(result.environmentLost, true);
});

// A protocol is the stack's answer only if it repeats: another process that is
// refused a connect may still have powered the card (pcsc-lite's winscard.c).

test('a deviating protocol that does not repeat in the same hold made again: inconclusive, a power-up nobody asked for', async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, protocols: ['T1', 'undefined', 'undefined'] },
    { scenario: directConnectProtocol },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    'a card power-up nobody in the run asked for: the SCardConnect answered SCARD_S_SUCCESS (protocol T1) in the first hold and SCARD_S_SUCCESS (protocol undefined) when the same hold was made again, so another process may have powered the card in between',
  );
});

test("a deviating protocol that repeats in three holds is the stack's answer: unexpected", async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, protocols: ['T1', 'T1', 'T1'] },
    { scenario: directConnectProtocol },
  );
  assert.equal(result.verdict, 'unexpected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success', protocol: 'T1' });
  assert.equal(result.calls.filter((c) => c.role === 'holder' && c.call === 'SCardConnect').length, 3);
});

test('a deviating protocol that repeats while another process keeps taking the free reader between holds: inconclusive, the third party watched it', async () => {
  let releases = 0;
  const { result, roles } = await runWithFakes(
    {
      contender: { kind: 'answers', afterMs: 1, rv: 0 },
      protocols: ['T1', 'T1', 'T1'],
      // A process that retries its exclusive connect takes the reader 150 ms after the first release, after any single look
      // there, and lets go once a third party has seen it twice, however slowly this machine runs the timers.
      onRelease: (observer) => {
        if (releases++ > 0) return;
        setTimeout(() => {
          observer.flags = ['PRESENT', 'EXCLUSIVE'];
          const look = observer.look.bind(observer);
          let seen = 0;
          observer.look = () => {
            const view = look();
            if (++seen === 2) observer.flags = ['PRESENT'];
            return view;
          };
        }, 150);
      },
    },
    { scenario: directConnectProtocol },
  );
  assert.equal(result.verdict, 'inconclusive', result.reason);
  assert.match(
    result.reason,
    /^another process is using the reader: a third party saw PRESENT EXCLUSIVE while it watched the free reader for 500 ms before the hold was made again, and no handle of the holder or the contender explains EXCLUSIVE$/,
  );
  assert.equal(result.calls.filter((c) => c.role === 'holder' && c.call === 'SCardConnect').length, 1, 'no hold was made again');
  assert.ok(roles.observer.looks > 10, `the free reader was watched, not looked at once: ${roles.observer.looks} looks`);
});

test('an expected protocol is not made again', async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, protocols: ['undefined'] },
    { scenario: directConnectProtocol },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.equal(result.calls.filter((c) => c.role === 'holder' && c.call === 'SCardConnect').length, 1);
});

test('a deviation on the free reader that does not repeat: inconclusive, another process may have taken the reader', async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, rvs: [SHARING_VIOLATION, 0, 0] },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    'the deviation did not repeat: the SCardConnect answered SCARD_E_SHARING_VIOLATION on the free reader and SCARD_S_SUCCESS when the same hold was made again, so another process may have taken the reader in between',
  );
});

test("a deviation on the free reader that repeats in three holds is the stack's answer: unexpected", async () => {
  const { result } = await runWithFakes(
    { contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'unexpected', result.reason);
  assert.equal(result.calls.filter((c) => c.role === 'holder' && c.call === 'SCardConnect').length, 3);
});

test('a contender refused on the free reader while another process briefly holds it: inconclusive at once, the mark cannot be a handle of the roles', async () => {
  const { result } = await runWithFakes(
    {
      contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION },
      onAct: (observer) => {
        observer.flags = ['PRESENT', 'EXCLUSIVE'];
        setTimeout(() => (observer.flags = ['PRESENT']), 30);
      },
    },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    'another process is using the reader: a third party saw PRESENT EXCLUSIVE right after the contender acted, and no handle of the holder or the contender explains EXCLUSIVE',
  );
});
