// runOnce's steps that only some scenarios take, against the in-memory
// holder, contender and observer: the contender's preparation before the
// hold, an act on the reader the holder has let go, and the holder's call
// judged while the contender's act waits for it; then the hold's own checks,
// a hold that fails, and the reader at the end of the run. Each test names
// the requests the fakes got, in order: a step skipped, moved or doubled
// changes them. Delays are a few ms; only their order matters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnce } from '../../src/orchestrator/run-scenario.js';
import type { RunOptions } from '../../src/orchestrator/run-types.js';
import { codeOf } from '../../src/pcsc/return-codes.js';
import { directConnectProtocol } from '../../src/scenarios/direct-mode.js';
import {
  endTransactionUnpowerNotOwner,
  exclusiveConnectAfterTransaction,
  transactionEndsWhileOtherWaits,
} from '../../src/scenarios/transaction-rules.js';
import { findScenario } from '../../src/scenarios/catalog.js';
import { FakeRoles, fakeRunOptions, runWithFakes, type Script } from '../support/fake-roles.js';

const SHARING_VIOLATION = codeOf('SCARD_E_SHARING_VIOLATION');

async function run(script: Script, overrides: Partial<RunOptions> = {}) {
  const { result, roles } = await runWithFakes(script, overrides);
  return { result, roles, calls: result.calls.map((c) => `${c.role} ${c.call}`) };
}

// 4. The contender's steps before the hold: transaction scenarios whose contender needs its own handle first.

test('the contender prepares its handle before the holder takes the reader; its act on that handle is judged', async () => {
  const { result, roles, calls } = await run(
    { contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION } },
    { scenario: endTransactionUnpowerNotOwner },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' });
  assert.deepEqual(roles.requests, ['contender prepare', 'holder hold', 'contender attempt', 'holder release']);
  assert.deepEqual(calls, [
    'contender SCardConnect',
    'holder SCardConnect',
    'holder SCardBeginTransaction',
    'contender SCardEndTransaction',
    'holder SCardStatus',
    'holder SCardDisconnect',
  ]);
  assert.deepEqual(result.calls[0]!.args, { mode: 'shared' }, "the prepared handle is the scenario's shared connect");
  assert.deepEqual(result.notes, []);
});

test('a prepared contender whose act succeeds where pcsc-lite refuses: the act is the deviation (pcsc-lite 1.8.8 and earlier), the preparation only sets the scene', async () => {
  const { result, roles } = await run({ contender: { kind: 'answers', afterMs: 1, rv: 0 } }, { scenario: endTransactionUnpowerNotOwner });
  assert.equal(result.verdict, 'bug-reproduced', result.reason);
  assert.equal(result.knownBug?.id, 'pcsc-lite-ccc1571e');
  assert.deepEqual(result.outcome, { kind: 'success' });
  assert.deepEqual(result.observed, { ok: true, call: 'SCardEndTransaction' });
  assert.deepEqual(roles.requests, ['contender prepare', 'holder hold', 'contender attempt', 'holder release']);
});

test('a preparation that fails ends the run before the hold: inconclusive, the failed call named and kept, the holder never asked', async () => {
  const { result, roles, calls } = await run(
    { contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION }, prepareRv: SHARING_VIOLATION },
    { scenario: endTransactionUnpowerNotOwner },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    "the contender's SCardConnect returned SCARD_E_SHARING_VIOLATION (0x8010000B) before the hold, so the scenario could not go on",
  );
  assert.equal(result.environmentLost, false);
  assert.deepEqual(roles.requests, ['contender prepare']);
  assert.deepEqual(calls, ['contender SCardConnect']);
  // A service gone during the preparation is the environment, not the stack's answer.
  const gone = await run(
    { contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION }, prepareRv: codeOf('SCARD_E_NO_SERVICE') },
    { scenario: endTransactionUnpowerNotOwner },
  );
  assert.equal(gone.result.verdict, 'inconclusive');
  assert.match(gone.result.reason, /^the contender's SCardConnect returned SCARD_E_NO_SERVICE \(0x8010001D\) before the hold/);
  assert.equal(gone.result.environmentLost, true);
});

test('a prepared act confirmed as blocked is prepared again for the act on the free reader and for the second hold', async () => {
  // SCardTransmit on the contender's own handle waits for the holder's transaction: what pcsc-lite does.
  const { result, roles } = await run(
    { contender: { kind: 'waits-for-release', rv: 0 } },
    { scenario: findScenario('transaction-blocks-transmit')! },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'blocked', call: 'SCardTransmit' });
  const hold = ['contender prepare', 'holder hold', 'contender attempt', 'holder release'];
  assert.deepEqual(roles.requests, [...hold, 'contender prepare', 'contender attempt', ...hold]);
  assert.equal(result.calls.filter((c) => c.role === 'contender' && c.call === 'SCardConnect').length, 3, 'one prepared handle per act');
});

// contenderActsAfterRelease: the scenario is about what the hold left behind.

test('a contender that acts after the release acts on the free reader: the holder let go before the attempt was asked for', async () => {
  // Refused while the shared holder has the reader, granted once it let go: only the order of the steps decides which.
  const { result, roles, calls } = await run(
    { contender: { kind: 'answers-by-hold', whileHeld: SHARING_VIOLATION, free: 0 } },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success' });
  assert.deepEqual(result.observed, { ok: true, call: 'SCardConnect' });
  assert.deepEqual(roles.requests, ['holder hold', 'holder release', 'contender attempt']);
  assert.deepEqual(calls, [
    'holder SCardConnect',
    'holder SCardBeginTransaction',
    'holder SCardStatus',
    'holder SCardDisconnect',
    'contender SCardConnect',
    'contender SCardDisconnect',
  ]);
  // Stamps of two processes agree within 1 ms (the fake holder stamps its reply just after the release).
  const t = result.timeline;
  assert.ok(t.holderReleased! <= t.attempt! + 1, JSON.stringify(t));
  // Outside the hold by design: the hold's window is not asked of this act.
  assert.equal(result.evidence.attemptInsideHold, null);
  assert.deepEqual(result.notes, []);
});

test('an after-release deviation is made again in two more holds, each released before the act, and kept when it repeats', async () => {
  const { result, roles } = await run(
    { contender: { kind: 'answers-by-hold', whileHeld: 0, free: SHARING_VIOLATION } },
    { scenario: exclusiveConnectAfterTransaction },
  );
  assert.equal(result.verdict, 'unexpected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' });
  const hold = ['holder hold', 'holder release', 'contender attempt'];
  assert.deepEqual(roles.requests, [...hold, ...hold, ...hold]);
});

// The holder judged while the contender waits: SCardEndTransaction while another process's SCardBeginTransaction waits for it.

test("the holder's call is judged while the contender's act waits for it; the act then comes back", async () => {
  const { result, roles, calls } = await run(
    { contender: { kind: 'waits-for-holder-call', rv: 0 } },
    { scenario: transactionEndsWhileOtherWaits },
  );
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success' });
  assert.deepEqual(result.observed, { ok: true, call: 'SCardEndTransaction' });
  assert.deepEqual(roles.requests, [
    'contender prepare',
    'holder hold',
    'contender attempt',
    'holder call SCardEndTransaction',
    'holder release',
  ]);
  assert.deepEqual(calls, [
    'contender SCardConnect',
    'holder SCardConnect',
    'holder SCardBeginTransaction',
    'holder SCardEndTransaction',
    'contender SCardBeginTransaction',
    'contender SCardDisconnect',
    'holder SCardStatus',
    'holder SCardDisconnect',
  ]);
  assert.deepEqual(result.notes, []);
  assert.deepEqual(roles.restarted, []);
  assert.equal(result.evidence.attemptInsideHold, true);
});

test("the holder's call refused while the contender waits is the deviation: unexpected, the holder's code", async () => {
  const { result, roles } = await run(
    { contender: { kind: 'waits-for-holder-call', rv: 0 }, holderCallRv: SHARING_VIOLATION },
    { scenario: transactionEndsWhileOtherWaits },
  );
  assert.equal(result.verdict, 'unexpected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' });
  assert.deepEqual(result.observed && { ok: result.observed.ok, call: result.observed.call }, { ok: false, call: 'SCardEndTransaction' });
  assert.equal(roles.requests.at(-2), 'holder call SCardEndTransaction');
});

test("a contender's act that comes back instead of waiting leaves nothing to judge the holder's call against: inconclusive, the holder never called", async () => {
  const { result, roles, calls } = await run(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 } },
    { scenario: transactionEndsWhileOtherWaits },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    "the contender's SCardBeginTransaction came back (SCARD_S_SUCCESS) instead of waiting for the holder: there was nothing to make the holder's call against",
  );
  assert.deepEqual(roles.requests, ['contender prepare', 'holder hold', 'contender attempt']);
  assert.ok(calls.includes('contender SCardBeginTransaction'), calls.join(', '));
  assert.equal(result.outcome, null);
});

test("a waiting act that began only after the holder's call was not waiting for it: inconclusive", async () => {
  const { result, roles } = await run(
    { contender: { kind: 'waits-for-holder-call', rv: 0, startsAfterIt: true } },
    { scenario: transactionEndsWhileOtherWaits },
  );
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    "the contender's SCardBeginTransaction began only after the holder's SCardEndTransaction: it was not yet waiting for the holder when the holder's call was made",
  );
  assert.deepEqual(roles.requests, ['contender prepare', 'holder hold', 'contender attempt', 'holder call SCardEndTransaction']);
});

test("a waiting act that never comes back after the holder's call: a note, its process replaced, the holder's call still judged", async () => {
  const { result, roles } = await run({ contender: { kind: 'never-returns' } }, { scenario: transactionEndsWhileOtherWaits });
  assert.equal(result.verdict, 'not-affected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success' });
  assert.deepEqual(result.notes, [
    "the contender's SCardBeginTransaction did not come back within 1 s after the holder's SCardEndTransaction",
  ]);
  assert.deepEqual(roles.restarted, ['contender']);
  assert.deepEqual(roles.requests, [
    'contender prepare',
    'holder hold',
    'contender attempt',
    'holder call SCardEndTransaction',
    'holder release',
  ]);
});

// The hold's checks while the contender's call has not returned (--blocked-after 1 s: each event below comes first).

test('the holder dies while it holds the reader: inconclusive at once, not a call that waited', async () => {
  const roles = new FakeRoles({ contender: { kind: 'never-returns' } });
  setTimeout(() => roles.holder.die(), 30);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ blockedAfterSeconds: 1 }));
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'the holder died while it held the reader');
  assert.match(result.hint ?? '', /sc-repro lock/);
  assert.deepEqual(roles.requests, ['holder hold', 'contender attempt']);
});

test('a third party that stops seeing the hold while the holder holds it: inconclusive at once', async () => {
  const roles = new FakeRoles({ contender: { kind: 'never-returns' } });
  setTimeout(() => (roles.observer.flags = ['PRESENT']), 30);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ blockedAfterSeconds: 1 }));
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'a third party stopped seeing the hold while the holder held the reader: PRESENT, not EXCLUSIVE');
  assert.deepEqual(roles.requests, ['holder hold', 'contender attempt']);
});

test('the service gone while the reader is held: inconclusive at once, environment lost', async () => {
  const roles = new FakeRoles({ contender: { kind: 'never-returns' } });
  const gone = Object.assign(new Error('SCARD_E_NO_SERVICE (0x8010001D): Service not available.'), { code: codeOf('SCARD_E_NO_SERVICE') });
  setTimeout(() => (roles.observer.gone = gone), 30);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions({ blockedAfterSeconds: 1 }));
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /^the holder stopped: .*SCARD_E_NO_SERVICE/);
  assert.equal(result.environmentLost, true);
  assert.deepEqual(roles.requests, ['holder hold', 'contender attempt']);
});

// A hold that fails, and the reader at the end.

test('a hold the holder could not take is no hold: inconclusive, and the contender is never asked to act', async () => {
  const { result, roles, calls } = await run({
    holdFailsWith: codeOf('SCARD_W_UNPOWERED_CARD'),
    contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION },
  });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.reason, /^the holder could not take the reader: SCARD_W_UNPOWERED_CARD \(0x80100067\)/);
  assert.deepEqual(roles.requests, ['holder hold']);
  assert.deepEqual(calls, ['holder SCardConnect']);
  assert.equal(result.outcome, null);
});

test('another process that takes the reader once the holder let go, before the run ends: inconclusive, not the judged answer', async () => {
  const { result, roles } = await run({
    contender: { kind: 'answers', afterMs: 1, rv: SHARING_VIOLATION },
    onRelease: (observer) => (observer.flags = ['PRESENT', 'EXCLUSIVE']),
  });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(
    result.reason,
    'another process is using the reader: a third party saw PRESENT EXCLUSIVE after the run, and no handle of the holder or the contender explains EXCLUSIVE',
  );
  assert.deepEqual(roles.requests, ['holder hold', 'contender attempt', 'holder release']);
});

test('a protocol that repeats is kept in the observation as well as the outcome', async () => {
  const { result } = await run(
    { contender: { kind: 'answers', afterMs: 1, rv: 0 }, protocols: ['T1', 'T1', 'T1'] },
    { scenario: directConnectProtocol },
  );
  assert.equal(result.verdict, 'unexpected', result.reason);
  assert.deepEqual(result.outcome, { kind: 'success', protocol: 'T1' });
  assert.deepEqual(result.observed, { ok: true, call: 'SCardConnect', protocol: 'T1' });
});
