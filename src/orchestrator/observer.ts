// The third party: reads the reader's state the moment the orchestrator asks,
// through a context of its own that neither the holder nor the contender uses.
// A fresh SCardGetStatusChange (UNAWARE, timeout 0) is needed because pcsc-lite
// does not wake long-lived waiters when only the share mode changes.
import { decodeReaderState, formatAtr, type ReaderStateFlag } from '../pcsc/constants.js';
import { openStateQuery, serviceFailure, type StateQuery } from '../pcsc/binding.js';
import type { PcscError } from '../pcsc/pcsc-error.js';

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
