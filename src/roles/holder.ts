// The holder: the port of lock.py. It connects (EXCLUSIVE by default), holds
// the card, and releases it with SCARD_LEAVE_CARD so other processes' view of
// the card is not disturbed.
import { epochMs, monotonicMs } from '../core/bounded-wait.js';
import type { Step } from '../scenarios/types.js';
import { callsNeeded, StepRunner } from './steps.js';
import type { ShareMode } from '../pcsc/constants.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import type { PcscContext } from '../pcsc/binding.js';
import { serviceFailure } from '../pcsc/load-binding.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import type { HolderPlan } from '../scenarios/types.js';
import { CallLog } from './call-log.js';
import type { CallRecord } from './protocol.js';
import { withReader, type CardWait } from './session.js';

export type ReleaseReason = 'hold-elapsed' | 'interrupted';

export type HolderEvent =
  | { type: 'using'; reader: string }
  | { type: 'held'; reader: string; mode: ShareMode; protocol: string; heldAt: string }
  | { type: 'released'; reason: ReleaseReason; heldMs: number; releasedAt: string };

/** A reader held according to a plan; released once, with SCARD_LEAVE_CARD. */
export interface Hold {
  protocol: string;
  heldAt: Date;
  /** The calls that took the reader. */
  calls: CallRecord[];
  /** A call on the held handle: the holder's view after the contender acted. */
  call(step: Step): Promise<CallRecord>;
  release(): Promise<{ heldMs: number; releaseStartedAt: number; calls: CallRecord[] }>;
}

/**
 * Takes the reader as the plan says: connect, then maybe one APDU, maybe a
 * transaction. Any of those failing means the reader is not held: the
 * connection is left again and the error thrown, with the calls in `log`.
 * With `proveByStatus` the holder also asks SCardStatus on its own handle,
 * now and again just before it lets go: the proof of the hold on a stack
 * that cannot show its share mode to third parties.
 *
 * A transaction's owner asks SCardStatus just before it lets go too: Windows
 * resets the card of a transaction left idle for more than 5 seconds
 * (Microsoft's SCardBeginTransaction remarks), and only the
 * owner's next call on the handle tells (SCARD_W_RESET_CARD). The holder does
 * not keep the transaction alive with calls of its own during the hold: they
 * would be calls the scenario does not make, on a handle the contender's act
 * is measured against, and they would hide what the stack does to an idle
 * transaction. The orchestrator reads the reset instead, and does not take it
 * for the stack's answer to the contender.
 */
export async function takeHold(
  context: PcscContext,
  reader: string,
  plan: HolderPlan,
  log = new CallLog(),
  options: { judgedStep?: Step | null; proveByStatus?: boolean } = {},
): Promise<Hold> {
  const { proveByStatus = false, judgedStep = null } = options;
  const statusAtRelease = proveByStatus || !!plan.transaction;
  const planned: Step[] = [
    ...(plan.transaction ? [{ call: 'SCardBeginTransaction' as const }] : []),
    ...(statusAtRelease ? [{ call: 'SCardStatus' as const }] : []),
    ...(judgedStep ? [judgedStep] : []),
  ];
  const runner = new StepRunner(context, reader, log, callsNeeded(planned));
  const taking = log.span();
  try {
    await runner.must({ call: 'SCardConnect', mode: plan.mode, protocol: 'any' });
    try {
      if (plan.transmit) await runner.must({ call: 'SCardTransmit' });
      if (plan.transaction) await runner.must({ call: 'SCardBeginTransaction' });
      if (proveByStatus) await runner.must({ call: 'SCardStatus' });
    } catch (error) {
      await runner.leave();
      throw error;
    }
  } finally {
    taking.end();
  }
  const connection = runner.connection!;
  const heldAt = new Date();
  const started = monotonicMs();
  return {
    protocol: plan.transaction ? 'transaction' : connection.protocolName,
    heldAt,
    calls: taking.records.slice(),
    call: (step) => runner.run(step),
    async release() {
      const releasing = log.span();
      try {
        if (statusAtRelease) await runner.run({ call: 'SCardStatus' });
        const releaseStartedAt = epochMs();
        // SCardDisconnect ends a transaction too. Ending it first would let a
        // connect that waited on it run while our handle is still open, and meet
        // a sharing violation that is only our own timing.
        await runner.leave();
        return { heldMs: Math.round(monotonicMs() - started), releaseStartedAt, calls: releasing.records.slice() };
      } finally {
        releasing.end();
      }
    },
  };
}

export interface HoldOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  holdMs: number;
  /** Aborting releases the card at once (Ctrl-C). */
  release?: AbortSignal;
  onEvent?: (event: HolderEvent) => void;
  cardWait?: CardWait;
}

export interface HoldResult {
  reader: string;
  mode: ShareMode;
  protocol: string;
  heldAt: string;
  releasedAt: string;
  heldMs: number;
  reason: ReleaseReason;
}

type EndOfHold = ReleaseReason | 'lost';

function waitForRelease(holdMs: number, signal: AbortSignal | undefined, lost: Promise<unknown>): Promise<EndOfHold> {
  if (signal?.aborted) return Promise.resolve('interrupted');
  return new Promise((resolve) => {
    const finish = (reason: EndOfHold) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = () => finish('interrupted');
    const timer = setTimeout(() => finish('hold-elapsed'), holdMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    void lost.then(() => finish('lost'));
  });
}

export interface LossWatch {
  /** Resolves with the cause once the card or the service is gone. */
  lost: Promise<Error>;
  stop(): void;
}

/**
 * Holding a card that is gone would be a lie: watch the reader as a third
 * party does. A status thread that fails means the service went away; a new
 * context then tells whether it is down (SCARD_E_NO_SERVICE) or only our
 * connection to it broke.
 */
export function watchForLoss(context: PcscContext, reader: string): LossWatch {
  let stop = () => {};
  const lost = new Promise<Error>((resolve) => {
    let seen = false;
    stop = context.watch(reader, (status) => {
      if (seen || status?.cardPresent) return;
      seen = true;
      stop();
      const failure = context.failure();
      if (!failure) return resolve(PcscError.named('SCARD_W_REMOVED_CARD', 'SCardGetStatusChange'));
      void serviceFailure().then((cause) => resolve(cause ?? failure));
    });
  });
  return { lost, stop: () => stop() };
}

/** `sc-repro lock`: hold the reader for --hold, or until Ctrl-C, and report. */
export function hold(options: HoldOptions): Promise<HoldResult> {
  const emit = options.onEvent ?? (() => {});
  return withReader(
    options.reader,
    async (context, reader) => {
      emit({ type: 'using', reader });
      const held = await takeHold(context, reader, { mode: options.mode });
      const heldAt = held.heldAt.toISOString();
      emit({ type: 'held', reader, mode: options.mode, protocol: held.protocol, heldAt });
      const watch = watchForLoss(context, reader);
      const reason = await waitForRelease(options.holdMs, options.release, watch.lost);
      watch.stop();
      const { heldMs } = await held.release();
      if (reason === 'lost') throw await watch.lost;
      const releasedAt = new Date().toISOString();
      emit({ type: 'released', reason, heldMs, releasedAt });
      return { reader, mode: options.mode, protocol: held.protocol, heldAt, releasedAt, heldMs, reason };
    },
    options.cardWait,
  );
}
