// The third party: reads the reader's state the moment the orchestrator asks,
// through a context of its own that neither the holder nor the contender uses.
// A fresh SCardGetStatusChange (UNAWARE, timeout 0) is needed because pcsc-lite
// does not wake long-lived waiters when only the share mode changes.
import { decodeReaderState, formatAtr, type ReaderStateFlag } from '../pcsc/constants.js';
import { openStateQuery, serviceFailure, type StateQuery } from '../pcsc/binding.js';
import type { PcscError } from '../pcsc/pcsc-error.js';
import { epochMs } from '../core/bounded-wait.js';
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
  private constructor(private readonly context: StateQuery) {}

  static async open(): Promise<Observer> {
    return new Observer(await openStateQuery());
  }

  readers(): string[] {
    return this.context.listReaders();
  }

  look(reader: string): ReaderView {
    const { state, atr } = this.context.readerState(reader);
    return { flags: decodeReaderState(state), atr: formatAtr(atr) };
  }

  serviceFailure(): Promise<PcscError | null> {
    return serviceFailure();
  }

  close(): void {
    this.context.close();
  }
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
    const started = performance.now();
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
