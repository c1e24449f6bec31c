// The PC/SC layer: the only module that imports the `pcsclite` binding.
// It turns the binding's event and callback API into promises, always passes
// share mode and disposition explicitly (the binding defaults to EXCLUSIVE and
// UNPOWER), and closes every reader so the process can exit.
import { createRequire } from 'node:module';
import { PcscError } from './pcsc-error.js';
import {
  DISPOSITIONS,
  SHARE_MODES,
  decodeReaderState,
  formatAtr,
  type Disposition,
  type ProtocolChoice,
  type ReaderStateFlag,
  type ShareMode,
} from './constants.js';

// The part of the binding this layer uses. Its own typings export no names and
// omit `readers` and `start`, which the complete-listing logic relies on.
type Callback<T = void> = (err: unknown, value: T) => void;
type StartCallback = (err: unknown, data?: Buffer) => void;

interface BindingReader extends NodeJS.EventEmitter {
  name: string;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_PROTOCOL_RAW: number;
  connect(options: { share_mode: number; protocol: number }, callback: Callback<number>): void;
  disconnect(disposition: number, callback: (err: unknown) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: Callback<Buffer>): void;
  close(): void;
}

interface BindingContext extends NodeJS.EventEmitter {
  readers: Record<string, BindingReader>;
  start(callback: StartCallback): void;
  close(): void;
}

type BindingFactory = () => BindingContext;

const SCARD_E_CANCELLED = 0x80100002;

let bindingFactory: BindingFactory | undefined;
function loadBinding(): BindingFactory {
  // Loaded on first use so that commands without PC/SC never pay for the native addon.
  bindingFactory ??= createRequire(import.meta.url)('pcsclite') as BindingFactory;
  return bindingFactory;
}

export interface ReaderStatus {
  reader: string;
  state: number;
  flags: ReaderStateFlag[];
  cardPresent: boolean;
  atr: string | null;
}

function toError(error: unknown, call: string): Error {
  if (error instanceof PcscError) return error;
  return PcscError.from(error) ?? (error instanceof Error ? error : new Error(`${call}: ${String(error)}`));
}

function toStatus(reader: string, state: number, atr: Buffer | undefined): ReaderStatus {
  const flags = decodeReaderState(state);
  return { reader, state, flags, cardPresent: flags.includes('PRESENT'), atr: formatAtr(atr) };
}

/** A connection to a card, as returned by SCardConnect. */
export class CardConnection {
  private open = true;

  constructor(
    private readonly binding: BindingReader,
    readonly reader: string,
    readonly mode: ShareMode,
    readonly protocol: number,
    readonly protocolName: string,
  ) {}

  get connected(): boolean {
    return this.open;
  }

  transmit(apdu: Buffer, responseLength = 258): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.binding.transmit(apdu, responseLength, this.protocol, (err, response) =>
        err ? reject(toError(err, 'SCardTransmit')) : resolve(response),
      );
    });
  }

  disconnect(disposition: Disposition): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    return new Promise((resolve, reject) => {
      this.binding.disconnect(DISPOSITIONS[disposition], (err) =>
        err ? reject(toError(err, 'SCardDisconnect')) : resolve(),
      );
    });
  }
}

/** An SCardEstablishContext with the service's reader list and per-reader status. */
export class PcscContext {
  private readonly statuses = new Map<string, ReaderStatus>();
  private readonly statusWaiters = new Set<() => void>();
  private readonly connections = new Set<CardConnection>();
  private readonly statusThreadsRunning: Promise<void>[] = [];
  private names: string[] = [];
  private closed = false;
  private lastError: Error | undefined;

  private constructor(private readonly pcsc: BindingContext) {}

  /**
   * Establishes a context and resolves once the service's initial reader list
   * has been announced. The binding announces readers one event at a time from
   * its own listing callback; wrapping that callback tells us when the first
   * listing is complete, with no fixed sleep, including when it is empty.
   */
  static open(): Promise<PcscContext> {
    const factory = loadBinding();
    let pcsc: BindingContext;
    try {
      pcsc = factory();
    } catch (error) {
      return Promise.reject(toError(error, 'SCardEstablishContext'));
    }
    const context = new PcscContext(pcsc);
    return new Promise((resolve, reject) => {
      let listed = false;
      const start = pcsc.start.bind(pcsc);
      pcsc.start = (callback: StartCallback) =>
        start((err, data) => {
          callback(err, data);
          context.names = Object.keys(pcsc.readers);
          if (!listed) {
            listed = true;
            if (err) reject(toError(err, 'SCardListReaders'));
            else resolve(context);
          }
        });
      pcsc.on('reader', (reader: BindingReader) => context.track(reader));
      pcsc.on('error', (error) => {
        const pcscError = PcscError.from(error);
        if (context.closed && pcscError?.code === SCARD_E_CANCELLED) return;
        context.lastError = toError(error, 'SCardListReaders');
        if (!listed) {
          listed = true;
          reject(context.lastError);
        }
      });
    });
  }

  private track(reader: BindingReader): void {
    this.statusThreadsRunning.push(
      new Promise((resolve) => {
        reader.once('status', () => resolve());
        reader.once('error', () => resolve());
        reader.once('end', () => resolve());
      }),
    );
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      this.statuses.set(reader.name, toStatus(reader.name, status.state, status.atr));
      for (const wake of this.statusWaiters) wake();
    });
    reader.on('error', (error) => {
      this.lastError = toError(error, 'SCardGetStatusChange');
      for (const wake of this.statusWaiters) wake();
    });
    reader.on('end', () => {
      this.statuses.delete(reader.name);
      for (const wake of this.statusWaiters) wake();
    });
  }

  /** The error a status thread or the context reported last, if any: the service or the reader went away. */
  failure(): Error | undefined {
    return this.lastError;
  }

  /** Reader names in the order the service lists them. */
  readers(): string[] {
    return [...this.names];
  }

  private bindingReader(name: string): BindingReader {
    const reader = this.pcsc.readers[name];
    if (!reader) throw PcscError.fromCode(0x80100009, 'SCardConnect'); // SCARD_E_UNKNOWN_READER
    return reader;
  }

  /**
   * Resolves with the reader's status as soon as `accept` likes it, or with the
   * latest status when `timeoutMs` runs out. Status comes from the binding's
   * SCardGetStatusChange thread, so it is the view of a third party.
   */
  waitForStatus(name: string, accept: (status: ReaderStatus) => boolean, timeoutMs: number): Promise<ReaderStatus> {
    this.bindingReader(name);
    return new Promise((resolve, reject) => {
      const check = (final: boolean) => {
        const status = this.statuses.get(name);
        if (status && (final || accept(status))) {
          done();
          resolve(status);
        } else if (final || !this.pcsc.readers[name]) {
          done();
          reject(this.lastError ?? PcscError.fromCode(0x80100017, 'SCardGetStatusChange')); // SCARD_E_READER_UNAVAILABLE
        }
      };
      const wake = () => check(false);
      const timer = setTimeout(() => check(true), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.statusWaiters.delete(wake);
      };
      this.statusWaiters.add(wake);
      check(false);
    });
  }

  /**
   * Calls `listener` with every later status of the reader, and with null if
   * the reader or the service goes away. Returns the unsubscribe function.
   */
  watch(name: string, listener: (status: ReaderStatus | null) => void): () => void {
    const wake = () => {
      if (!this.pcsc.readers[name] || this.lastError) return listener(null);
      const status = this.statuses.get(name);
      if (status) listener(status);
    };
    this.statusWaiters.add(wake);
    return () => this.statusWaiters.delete(wake);
  }

  /** The reader's first reported status. */
  status(name: string, timeoutMs = 2000): Promise<ReaderStatus> {
    return this.waitForStatus(name, () => true, timeoutMs);
  }

  connect(name: string, mode: ShareMode, protocol: ProtocolChoice): Promise<CardConnection> {
    const reader = this.bindingReader(name);
    const protocols = protocolMask(reader, mode, protocol);
    return new Promise((resolve, reject) => {
      reader.connect({ share_mode: SHARE_MODES[mode], protocol: protocols }, (err, negotiated) => {
        if (err) return reject(toError(err, 'SCardConnect'));
        const connection = new CardConnection(reader, name, mode, negotiated, protocolName(reader, negotiated));
        this.connections.add(connection);
        resolve(connection);
      });
    });
  }

  /**
   * Leaves any open card connection with SCARD_LEAVE_CARD, stops every
   * reader's status thread and releases the context. Closing the context alone
   * keeps the process alive and emits a spurious SCARD_E_CANCELLED.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) {
      await connection.disconnect('leave').catch(() => {});
    }
    // The binding's reader close() cancels the status thread's blocking call and
    // then joins it. A thread that has not yet established its own context
    // cannot be cancelled, and the join would hang the process: wait until every
    // thread has reported once (bounded, as a thread that never reports has ended).
    await Promise.race([Promise.all(this.statusThreadsRunning), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    for (const reader of Object.values(this.pcsc.readers)) {
      reader.removeAllListeners('status');
      reader.on('error', () => {});
      reader.close();
    }
    this.pcsc.close();
  }
}

function protocolMask(reader: BindingReader, mode: ShareMode, protocol: ProtocolChoice): number {
  switch (protocol) {
    case 't0':
      return reader.SCARD_PROTOCOL_T0;
    case 't1':
      return reader.SCARD_PROTOCOL_T1;
    case 'raw':
      return reader.SCARD_PROTOCOL_RAW;
    case 'any':
      // A direct connection talks to the reader, not the card: no protocol to negotiate.
      return mode === 'direct' ? 0 : reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1;
  }
}

function protocolName(reader: BindingReader, protocol: number | undefined): string {
  if (protocol === reader.SCARD_PROTOCOL_T0) return 'T0';
  if (protocol === reader.SCARD_PROTOCOL_T1) return 'T1';
  if (protocol === reader.SCARD_PROTOCOL_RAW) return 'RAW';
  return protocol ? `0x${protocol.toString(16)}` : 'undefined';
}
