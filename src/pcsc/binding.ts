// What the rest of sc-repro knows of PC/SC: contexts, connections and a
// third party's view of a reader, whichever library carries them. Only
// pcsc/ knows that the npm `pcsclite` binding makes contexts and
// connections, and that koffi reaches the platform library for what that
// binding lacks (transactions, an instant reader state, a bare
// SCardEstablishContext).
import type { ProtocolChoice, ReaderStateFlag, ShareMode } from './constants.js';
import type { ConnectOptions, Connection } from './connection.js';
import { PcscError } from './pcsc-error.js';

export type { ConnectOptions, Connection } from './connection.js';

export interface ReaderStatus {
  reader: string;
  state: number;
  flags: ReaderStateFlag[];
  cardPresent: boolean;
  atr: string | null;
}

/** An SCardEstablishContext with the reader list and per-reader status on demand. */
export interface PcscContext {
  /** Reader names in the order the service lists them. */
  listReaders(): Promise<string[]>;
  /** The reader's first reported status. */
  status(reader: string, timeoutMs?: number): Promise<ReaderStatus>;
  /** The reader's status as soon as `accept` likes it, or the latest one after `timeoutMs`. */
  waitForStatus(reader: string, accept: (status: ReaderStatus) => boolean, timeoutMs: number): Promise<ReaderStatus>;
  /** Every later status of the reader, and null once the reader or the service is gone; returns the unsubscribe function. */
  watch(reader: string, listener: (status: ReaderStatus | null) => void): () => void;
  /** The error the service or the reader went away with, if it did. */
  failure(): Error | undefined;
  /** SCardConnect on the exact reader name. */
  connect(reader: string, mode: ShareMode, protocol: ProtocolChoice, options?: ConnectOptions): Promise<Connection>;
  /** Leaves open connections with SCARD_LEAVE_CARD and releases everything. */
  close(): Promise<void>;
}

/** A third party's instant view of readers, on a context of its own. */
export interface StateQuery {
  listReaders(): string[];
  /** SCardGetStatusChange, current state UNAWARE, timeout 0. */
  readerState(reader: string): { state: number; atr: Buffer };
  close(): void;
}

/** Loads the binding; a context is established once it is used. */
export async function openContext(): Promise<PcscContext> {
  const { PcscliteContext } = await import('./scard.js');
  return PcscliteContext.open();
}

export async function openStateQuery(): Promise<StateQuery> {
  const { FfiContext } = await import('./winscard-ffi.js');
  return FfiContext.open();
}

/**
 * Whether the service answers a new context now: the error it gives
 * (SCARD_E_NO_SERVICE once pcscd is gone), or null. Only
 * SCardEstablishContext: the binding's own context also asks for reader
 * states, which fails in other ways while the service goes down.
 */
export async function serviceFailure(): Promise<PcscError | null> {
  const { FfiContext } = await import('./winscard-ffi.js');
  try {
    FfiContext.open().close();
    return null;
  } catch (error) {
    return PcscError.from(error) ?? null;
  }
}
