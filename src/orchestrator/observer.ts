// The third party: reads the reader's state the moment the orchestrator asks,
// through a context of its own that neither the holder nor the contender uses.
// A fresh SCardGetStatusChange (UNAWARE, timeout 0) is needed because pcsc-lite
// does not wake long-lived waiters when only the share mode changes.
import { decodeReaderState, formatAtr, type ReaderStateFlag } from '../pcsc/constants.js';
import type { StateQuery, ThirdPartyCalls } from '../pcsc/binding.js';
import { thirdPartyCalls } from '../pcsc/load-binding.js';
import type { PcscError } from '../pcsc/pcsc-error.js';
import { epochMs, sleep, monotonicMs } from '../core/bounded-wait.js';
import { callRecord } from '../roles/call-log.js';
import type { CallRecord } from '../roles/protocol.js';

export interface ReaderView {
  flags: ReaderStateFlag[];
  atr: string | null;
}

/** What the orchestrator needs of a third party; unit tests give a fake. */
export interface ReaderObserver {
  /** SCardListReaders. */
  readers(): string[];
  /** The reader's state now; throws the PC/SC error when the service cannot tell. */
  look(reader: string): ReaderView;
  /** After a failed look: the error a brand-new context gets (SCARD_E_NO_SERVICE once the service is gone), or null when it is up. */
  serviceFailure(): Promise<PcscError | null>;
  close(): void;
}

export class Observer implements ReaderObserver {
  private constructor(
    private readonly context: StateQuery,
    private readonly pcsc: ThirdPartyCalls,
  ) {}

  static async open(): Promise<Observer> {
    const pcsc = await thirdPartyCalls();
    return new Observer(await pcsc.openStateQuery(), pcsc);
  }

  readers(): string[] {
    return this.context.listReaders();
  }

  look(reader: string): ReaderView {
    const { state, atr } = this.context.readerState(reader);
    return { flags: decodeReaderState(state), atr: formatAtr(atr) };
  }

  serviceFailure(): Promise<PcscError | null> {
    return this.pcsc.serviceFailure();
  }

  close(): void {
    this.context.close();
  }
}

/** How often a wait for the reader to show a change looks again. */
export const LOOK_POLL_MS = 10;

/** Looks until the reader shows what `accept` wants, or `withinMs` runs out, or the run is interrupted: the last view. */
export async function lookUntil(
  observer: ReaderObserver,
  reader: string,
  accept: (view: ReaderView) => boolean,
  withinMs: number,
  signal?: AbortSignal,
): Promise<ReaderView> {
  const deadline = monotonicMs() + withinMs;
  let view = observer.look(reader);
  // Interrupted, the caller's next check ends the run: a person may be asked for up to 30 s.
  while (!accept(view) && monotonicMs() < deadline && !signal?.aborted) {
    await sleep(LOOK_POLL_MS);
    view = observer.look(reader);
  }
  return view;
}

/** One observer call, recorded for --trace in the shape the roles record theirs. */
export type ObserverCall = CallRecord;

/**
 * --trace: the observer with every call recorded. Without --trace the plain
 * observer runs, so tracing costs nothing when it is off.
 */
export class TracingObserver implements ReaderObserver {
  private calls: ObserverCall[] = [];

  constructor(private readonly inner: ReaderObserver) {}

  readers(): string[] {
    return this.record('SCardListReaders', {}, () => this.inner.readers());
  }

  look(reader: string): ReaderView {
    return this.record('SCardGetStatusChange', { reader, currentState: 'UNAWARE', timeout: 0 }, () => this.inner.look(reader));
  }

  serviceFailure(): Promise<PcscError | null> {
    return this.inner.serviceFailure();
  }

  close(): void {
    this.inner.close();
  }

  /** The calls so far; the next take starts empty. */
  take(): ObserverCall[] {
    return this.calls.splice(0);
  }

  private record<T>(call: string, args: ObserverCall['args'], work: () => T): T {
    const startedAt = epochMs();
    const started = monotonicMs();
    let rv = 0;
    try {
      return work();
    } catch (error) {
      rv = (error as { code?: number }).code ?? -1;
      throw error;
    } finally {
      this.calls.push(callRecord(call, args, rv, startedAt, started));
    }
  }
}
