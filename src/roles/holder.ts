// The holder: the port of lock.py. It connects (EXCLUSIVE by default), holds
// the card, and releases it with SCARD_LEAVE_CARD so other processes' view of
// the card is not disturbed.
import type { ReaderSelector } from '../cli/options.js';
import type { ShareMode } from '../pcsc/constants.js';
import { withReader } from './session.js';
import { PcscError } from '../pcsc/pcsc-error.js';

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

type EndOfHold = ReleaseReason | 'card-removed';

function waitForRelease(holdMs: number, signal: AbortSignal | undefined, cardRemoved: Promise<void>): Promise<EndOfHold> {
  if (signal?.aborted) return Promise.resolve(signal.reason === 'requested' ? 'requested' : 'interrupted');
  return new Promise((resolve) => {
    cardRemoved.then(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve('card-removed');
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

export function hold(options: HoldOptions): Promise<HoldResult> {
  const emit = options.onEvent ?? (() => {});
  return withReader(options.reader, async (context, reader) => {
    emit({ type: 'using', reader });
    const connection = await context.connect(reader, options.mode, 'any');
    const heldAt = new Date();
    const started = performance.now();
    emit({ type: 'held', reader, mode: options.mode, protocol: connection.protocolName, heldAt: heldAt.toISOString() });
    // Holding a card that is gone would be a lie: watch the reader as a third party does.
    let stopWatching = () => {};
    const cardRemoved = new Promise<void>((resolve) => {
      stopWatching = context.watch(reader, (status) => {
        if (!status?.cardPresent) resolve();
      });
    });
    const reason = await waitForRelease(options.holdMs, options.release, cardRemoved);
    stopWatching();
    if (reason === 'card-removed') {
      await connection.disconnect('leave').catch(() => {});
      throw PcscError.fromCode(SCARD_W_REMOVED_CARD, 'SCardGetStatusChange');
    }
    await connection.disconnect('leave');
    const heldMs = Math.round(performance.now() - started);
    const releasedAt = new Date().toISOString();
    emit({ type: 'released', reason, heldMs, releasedAt });
    return {
      reader,
      mode: options.mode,
      protocol: connection.protocolName,
      heldAt: heldAt.toISOString(),
      releasedAt,
      heldMs,
      reason,
    };
  });
}
