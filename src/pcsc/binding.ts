// What the rest of sc-repro knows of PC/SC: one interface, whichever library
// carries it. Two adapters implement it. `pcsclite` is the npm binding (a
// native addon, built at install); `ffi` calls the platform's own library
// through koffi (prebuilt, no compiler needed). Only pcsc/ knows which one
// runs: load-binding.ts makes the choice once per process, from the
// environment. This module is types only, so every module of pcsc/ can name
// them without loading another.
import type { AttributeName, Disposition, ProtocolChoice, ReaderStateFlag, ShareMode } from './constants.js';
import type { LayoutId } from './ffi-layouts.js';
import type { PcscError } from './pcsc-error.js';

/** The two adapters: the npm addon, and the platform library through koffi. */
export type BindingName = 'pcsclite' | 'ffi';

/** What ran, for reports: the adapter, its package's version, the PC/SC library it called, and the platform interface it called it with. */
export interface BindingInfo {
  name: BindingName;
  version: string | null;
  library: string;
  layout: LayoutId;
}

export interface ReaderStatus {
  reader: string;
  state: number;
  flags: ReaderStateFlag[];
  cardPresent: boolean;
  atr: string | null;
}

/** SCardStatus on a card handle. */
export interface CardStatus {
  reader: string;
  /** pcsc-lite's bit flags (SCARD_PRESENT = 0x0004, ...), whatever form the library gave. */
  state: number;
  protocol: string;
  atr: string | null;
}

/** A card handle from SCardConnect. Every call throws a PcscError that carries the numeric code. */
export interface Connection {
  /** T0, T1, RAW, or `undefined` for a direct connection. */
  readonly protocolName: string;
  transmit(apdu: Buffer): Promise<Buffer>;
  beginTransaction(): Promise<void>;
  endTransaction(disposition: Disposition): Promise<void>;
  status(): Promise<CardStatus>;
  /** SCardReconnect; resolves with the protocol now active. */
  reconnect(mode: ShareMode, protocol: ProtocolChoice, initialization: Disposition): Promise<string>;
  getAttribute(attribute: number): Promise<Buffer>;
  disconnect(disposition: Disposition): Promise<void>;
}

/** Calls beyond transmit and disconnect that a connection will be asked for. */
export type ConnectionCall = 'transaction' | 'status' | 'reconnect' | 'attribute';

export interface ConnectOptions {
  calls?: readonly ConnectionCall[];
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
  /** SCardGetStatusChange from the reader's present state: resolves on a change, rejects with SCARD_E_TIMEOUT after `timeoutMs`, or SCARD_E_CANCELLED. */
  waitForChange(reader: string, timeoutMs: number): Promise<void>;
  /** SCardCancel: ends this context's blocking calls. */
  cancel(): Promise<void>;
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

/** A third party's look at the service and the readers: no card handle of its own, or only for as long as it reads. */
export interface ThirdPartyCalls {
  /** An instant view of readers, on a context of its own. */
  openStateQuery(): Promise<StateQuery>;
  /**
   * Whether the service answers a new context now: the error it gives
   * (SCARD_E_NO_SERVICE once pcscd is gone), or null. A bare
   * SCardEstablishContext: anything more fails in other ways while the
   * service goes down.
   */
  serviceFailure(): Promise<PcscError | null>;
  /**
   * The reader's own attributes, read on a direct connection (no card needed):
   * each one the driver gives, raw. The connection is left with
   * SCARD_LEAVE_CARD at once; none of this disturbs a card in the reader.
   */
  readerAttributes(reader: string, names: readonly AttributeName[]): Promise<Partial<Record<AttributeName, Buffer>>>;
}

export interface Binding extends ThirdPartyCalls {
  readonly info: BindingInfo;
  /** A context; it is established once it is used. */
  openContext(): Promise<PcscContext>;
}

/**
 * What the npm addon has no call for, made by another binding on contexts of
 * its own: the pcsclite adapter is given one, and never learns which.
 */
export interface AddonComplement extends ThirdPartyCalls {
  /** A context for SCardGetStatusChange and SCardCancel. */
  openContext(): Promise<PcscContext>;
  /** A connection for transactions, SCardStatus, SCardReconnect or SCardGetAttrib, on a context released with it. */
  connectAlone(reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<Connection>;
}

export interface BindingSetting {
  choice: BindingName | 'auto';
  /** Another PC/SC client library for ffi. */
  library: string | null;
  /** SC_REPRO_FFI_LAYOUT: ffi calls its library with that platform's interface. */
  layout: LayoutId | null;
}

/** What `sc-repro doctor` says of the binding: the one this process uses, why, and whether it loads. */
export interface BindingDiagnosis {
  /** The binding that loaded, or the one that would have been used and did not load. */
  chosen: BindingName;
  /** In words, from the setting and the addon: "pcsclite is not installed, so ffi". */
  why: string;
  loaded: boolean;
  /** The PC/SC library it opens (or would open), as given to the loader. */
  library: string;
  layout: LayoutId;
  /** The installed packages' versions; null when one is not installed. */
  versions: { koffi: string | null; pcsclite: string | null };
  /** Why the addon did not load, when it was tried. */
  addonError?: string;
  /** Why the chosen binding did not load, and what to do. */
  error?: { message: string; hint?: string };
}
