// SCardCancel repeated until the status wait it cancels has returned: a
// cancel that reaches the service before the wait is lost (pcsc-lite), so the
// step cannot rest on one cancel made after a fixed delay. The fake context
// below loses its first cancels by count, not by time, so no result depends
// on the machine's speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PcscContext } from '../../src/pcsc/binding.js';
import { PcscError } from '../../src/pcsc/pcsc-error.js';
import { CallLog } from '../../src/roles/call-log.js';
import { cancelUntilSettled, StepRunner } from '../../src/roles/steps.js';

const READER = 'Virtual PCD 00 00';

/**
 * A context whose status wait is registered by the service only after `lost`
 * cancels: those answer as pcsc-lite 1.9.9 does (SCARD_S_SUCCESS before the
 * client waits, SCARD_E_INVALID_HANDLE after), and the next one ends the wait
 * with SCARD_E_CANCELLED. `returnsAlone`: the wait returns at once, as on a
 * change of the reader, before any cancel.
 */
function contextLosingCancels(lost: number, options: { returnsAlone?: boolean } = {}) {
  const facts = { cancels: 0, cancelsAfterReturn: 0, waits: 0 };
  let end: ((error?: Error) => void) | null = null;
  let returned = false;
  const context = {
    waitForChange(reader: string, timeoutMs: number): Promise<void> {
      assert.equal(reader, READER);
      assert.ok(timeoutMs > 0);
      facts.waits++;
      if (options.returnsAlone) {
        returned = true;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        end = (error) => {
          returned = true;
          if (error) reject(error);
          else resolve();
        };
      });
    },
    async cancel(): Promise<void> {
      facts.cancels++;
      if (returned) facts.cancelsAfterReturn++;
      if (facts.cancels <= lost) {
        if (facts.cancels % 2 === 0) throw PcscError.named('SCARD_E_INVALID_HANDLE', 'SCardCancel');
        return;
      }
      end?.(PcscError.named('SCARD_E_CANCELLED', 'SCardGetStatusChange'));
    },
  } as unknown as PcscContext;
  return { context, facts };
}

async function cancelledWait(lost: number, options: { returnsAlone?: boolean } = {}) {
  const { context, facts } = contextLosingCancels(lost, options);
  const log = new CallLog();
  const span = log.span();
  const judged = await new StepRunner(context, READER, log, []).run({ call: 'SCardCancel' });
  const records = span.end();
  const cancels = records.filter((record) => record.call === 'SCardCancel');
  return { judged, cancels, facts, records };
}

test('lost cancels are repeated until one ends the wait: the wait answers SCARD_E_CANCELLED and is the judged record', async () => {
  const { judged, cancels, facts, records } = await cancelledWait(5);
  assert.equal(judged.call, 'SCardGetStatusChange');
  assert.equal(judged.name, 'SCARD_E_CANCELLED');
  assert.deepEqual(judged.args, { reader: READER, timeout: 10_000 });
  assert.equal(facts.waits, 1);
  assert.equal(facts.cancels, 6);
  assert.equal(facts.cancelsAfterReturn, 0, 'no SCardCancel after the wait returned');
  // The first and the last of the six are recorded, each saying which of how many it was.
  assert.deepEqual(
    cancels.map((record) => ({ args: record.args, name: record.name })),
    [
      { args: { nth: 1, of: 6 }, name: 'SCARD_S_SUCCESS' },
      { args: { nth: 6, of: 6 }, name: 'SCARD_S_SUCCESS' },
    ],
  );
  assert.ok(cancels[0]!.startedAt <= cancels[1]!.startedAt);
  assert.ok(
    cancels.every((record) => record.startedAt >= judged.startedAt),
    'every cancel was made after the wait began',
  );
  assert.equal(records.includes(judged), true);
});

test('a lost cancel that failed (SCARD_E_INVALID_HANDLE, pcsc-lite before 2.0.1) does not stop the repeats; two cancels are both kept', async () => {
  const { judged, cancels, facts } = await cancelledWait(2);
  assert.equal(judged.name, 'SCARD_E_CANCELLED');
  assert.equal(facts.cancels, 3);
  assert.deepEqual(
    cancels.map((record) => [record.args.nth, record.name]),
    [
      [1, 'SCARD_S_SUCCESS'],
      [3, 'SCARD_S_SUCCESS'],
    ],
  );
  const twoMade = await cancelledWait(1);
  assert.deepEqual(
    twoMade.cancels.map((record) => record.args),
    [
      { nth: 1, of: 2 },
      { nth: 2, of: 2 },
    ],
  );
});

test('a cancel that takes effect at once is the only one made and recorded', async () => {
  const { judged, cancels, facts } = await cancelledWait(0);
  assert.equal(judged.name, 'SCARD_E_CANCELLED');
  assert.equal(facts.cancels, 1);
  assert.deepEqual(
    cancels.map((record) => record.args),
    [{ nth: 1, of: 1 }],
  );
});

test('a wait that returns on its own is the answer, with no cancel made', async () => {
  const { judged, cancels, facts } = await cancelledWait(0, { returnsAlone: true });
  assert.equal(judged.call, 'SCardGetStatusChange');
  assert.equal(judged.name, 'SCARD_S_SUCCESS');
  assert.equal(facts.cancels, 0);
  assert.deepEqual(cancels, []);
});

test('cancelUntilSettled stops at its bound when the wait never returns', async () => {
  let made = 0;
  const never = new Promise<void>(() => {});
  const everyMs = 5;
  const forMs = 40;
  const counted = await cancelUntilSettled(never, async () => void made++, everyMs, forMs);
  assert.equal(counted, made);
  assert.ok(made >= 1, `made ${made}`);
  // Each repeat waits at least everyMs first, so the bound caps the count whatever the machine's speed.
  assert.ok(made <= forMs / everyMs + 1, `made ${made}`);
});

test('cancelUntilSettled makes no cancel for a wait that has already settled, and counts only what it made', async () => {
  let made = 0;
  assert.equal(await cancelUntilSettled(Promise.resolve(), async () => void made++, 5, 1000), 0);
  assert.equal(
    await cancelUntilSettled(
      Promise.reject(new Error('gone')).catch(() => {}),
      async () => void made++,
      5,
      1000,
    ),
    0,
  );
  assert.equal(made, 0);
});

test('a cancel that throws something other than a PC/SC answer ends the step with it', async () => {
  const context = {
    waitForChange: () => new Promise<void>(() => {}),
    cancel: async () => {
      throw new TypeError('binding broke');
    },
  } as unknown as PcscContext;
  await assert.rejects(new StepRunner(context, READER, new CallLog(), []).run({ call: 'SCardCancel' }), /binding broke/);
});
