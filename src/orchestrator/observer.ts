// The third party: reads the reader's state the moment the orchestrator asks,
// through a context of its own that neither the holder nor the contender uses.
// A fresh SCardGetStatusChange (UNAWARE, timeout 0) is needed because pcsc-lite
// does not wake long-lived waiters when only the share mode changes.
import { decodeReaderState, formatAtr, type ReaderStateFlag } from '../pcsc/constants.js';
import type { FfiContext } from '../pcsc/winscard-ffi.js';

export interface ReaderView {
  flags: ReaderStateFlag[];
  atr: string | null;
}

export class Observer {
  private constructor(private readonly context: FfiContext) {}

  static async open(): Promise<Observer> {
    const { FfiContext } = await import('../pcsc/winscard-ffi.js');
    return new Observer(FfiContext.open());
  }

  look(reader: string): ReaderView {
    const { state, atr } = this.context.readerState(reader);
    return { flags: decodeReaderState(state), atr: formatAtr(atr) };
  }

  close(): void {
    this.context.close();
  }
}
