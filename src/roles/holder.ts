// The holder: the port of lock.py. It connects (EXCLUSIVE by default), holds
// the card, and releases it with SCARD_LEAVE_CARD so other processes' view of
// the card is not disturbed.
import type { ReaderSelector } from '../cli/options.js';
import type { ShareMode } from '../pcsc/constants.js';
import { withReader, type CardWait } from './session.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import type { PcscContext } from '../pcsc/scard.js';
import type { HolderPlan } from '../scenarios/types.js';

export type ReleaseReason = 'hold-elapsed' | 'requested' | 'interrupted';

const SCARD_W_REMOVED_CARD = 0x80100069;

export type HolderEvent =
  | { type: 'using'; reader: string }
  | { type: 'held'; reader: string; mode: ShareMode; protocol: string; heldAt: string }
  | { type: 'released'; reason: ReleaseReason; heldMs: number; releasedAt: string };

export interface HoldOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  holdMs: number;
  /** Aborting releases the card at once (Ctrl-C, or the orchestrator being done). */
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
  if (signal?.aborted) return Promise.resolve(signal.reason === 'requested' ? 'requested' : 'interrupted');
  return new Promise((resolve) => {
    lost.then(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve('lost');
    });
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve('hold-elapsed');
    }, holdMs);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(signal?.reason === 'requested' ? 'requested' : 'interrupted');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
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
      if (!failure) return resolve(PcscError.fromCode(SCARD_W_REMOVED_CARD, 'SCardGetStatusChange'));
      void import('../pcsc/winscard-ffi.js').then(({ serviceFailure }) => resolve(serviceFailure() ?? failure));
    });
  });
  return { lost, stop: () => stop() };
}

/** A reader held according to a plan; released once, with SCARD_LEAVE_CARD. */
export interface Hold {
  protocol: string;
  heldAt: Date;
  /** Sends the plan's APDU again: the holder's view after the contender acted. */
  transmit(): Promise<void>;
  release(): Promise<number>;
}

/** Any APDU does: the virtual card and real cards answer something. */
export const PROBE_APDU = Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]);

/**
 * Takes the reader as the plan says. A transaction needs the platform library
 * itself (the binding has no SCardBeginTransaction), so that hold is made
 * entirely through the FFI layer on its own context.
 */
export async function takeHold(context: PcscContext, reader: string, plan: HolderPlan): Promise<Hold> {
  if (plan.transaction) return takeTransactionHold(reader, plan);
  const connection = await context.connect(reader, plan.mode, 'any');
  try {
    if (plan.transmit) await connection.transmit(PROBE_APDU);
  } catch (error) {
    await connection.disconnect('leave').catch(() => {});
    throw error;
  }
  const heldAt = new Date();
  const started = performance.now();
  return {
    protocol: connection.protocolName,
    heldAt,
    transmit: async () => void (await connection.transmit(PROBE_APDU)),
    async release() {
      await connection.disconnect('leave');
      return Math.round(performance.now() - started);
    },
  };
}

async function takeTransactionHold(reader: string, plan: HolderPlan): Promise<Hold> {
  const { FfiContext } = await import('../pcsc/winscard-ffi.js');
  const ffi = FfiContext.open();
  try {
    const card = await ffi.connect(reader, plan.mode);
    try {
      await card.beginTransaction();
    } catch (error) {
      card.disconnect('leave');
      throw error;
    }
    const heldAt = new Date();
    const started = performance.now();
    return {
      protocol: 'transaction',
      heldAt,
      transmit: () => Promise.reject(new Error('a transaction hold does not transmit')),
      async release() {
        try {
          // SCardDisconnect ends the transaction too. Ending it first would let
          // a connect that waited on it run while our shared handle is still
          // open, and meet a sharing violation that is only our own timing.
          card.disconnect('leave');
        } finally {
          ffi.close();
        }
        return Math.round(performance.now() - started);
      },
    };
  } catch (error) {
    ffi.close();
    throw error;
  }
}

export function hold(options: HoldOptions): Promise<HoldResult> {
  const emit = options.onEvent ?? (() => {});
  return withReader(options.reader, async (context, reader) => {
    emit({ type: 'using', reader });
    const held = await takeHold(context, reader, { mode: options.mode });
    const heldAt = held.heldAt.toISOString();
    emit({ type: 'held', reader, mode: options.mode, protocol: held.protocol, heldAt });
    const watch = watchForLoss(context, reader);
    const reason = await waitForRelease(options.holdMs, options.release, watch.lost);
    watch.stop();
    if (reason === 'lost') {
      await held.release().catch(() => {});
      throw await watch.lost;
    }
    const heldMs = await held.release();
    const releasedAt = new Date().toISOString();
    emit({ type: 'released', reason, heldMs, releasedAt });
    return { reader, mode: options.mode, protocol: held.protocol, heldAt, releasedAt, heldMs, reason };
  }, options.cardWait);
}
