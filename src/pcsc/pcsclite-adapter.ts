// The `pcsclite` binding, over the npm native addon (pcsclite-addon.ts loads
// it). It turns the addon's event and callback API into promises, always
// passes share mode and disposition explicitly (the addon defaults to
// EXCLUSIVE and UNPOWER), and closes every reader so the process can exit.
// The addon has no transactions, SCardStatus, SCardReconnect, SCardGetAttrib
// or instant reader state: a connection that needs one of those calls, and
// the third party's view, go to the AddonComplement the loader gives this
// adapter (the platform library through ffi), on contexts of their own.
//
// The binding has two native classes. Its factory's context lists readers
// from a thread of its own, and each listed CardReader watches its reader
// from another thread. CardReader alone connects on a context it
// establishes at its first connect. A context here starts neither thread
// until a caller asks for the reader list or a status: a role that only
// connects stays lean.
import { settlesWithin } from '../core/bounded-wait.js';
import { packageVersion } from '../core/version.js';
import { readerStatus } from './adapter-common.js';
import type { AddonComplement, Binding, CardStatus, ConnectOptions, Connection, PcscContext, ReaderStatus } from './binding.js';
import { DISPOSITIONS, SHARE_MODES, type Disposition, type ProtocolChoice, type ShareMode } from './constants.js';
import { layoutFor, protocolMask, protocolName, type ProtocolValues } from './ffi-layouts.js';
import { noteHandleLeftOpen } from './handles-left-open.js';
import { PcscError } from './pcsc-error.js';
import {
  type ListedReader,
  loadAddon,
  type Monitor,
  type NativeCardReader,
  type PcscliteAddon,
  type StartCallback,
} from './pcsclite-addon.js';

/**
 * A closed reader's `end` comes with its thread's last report, which close()
 * has already waited for (it joins the thread): the next turns of the event
 * loop deliver it. Kept short, since a command stopped by a signal pays it.
 */
const READER_END_MS = 250;

function toError(error: unknown, call: string): Error {
  return PcscError.from(error) ?? (error instanceof Error ? error : new Error(`${call}: ${String(error)}`));
}

function lacking(call: string): Promise<never> {
  return Promise.reject(new Error(`${call} needs a connection made with it in ConnectOptions.calls`));
}

/** A connection to a card, as returned by SCardConnect. */
class CardConnection implements Connection {
  private open = true;

  constructor(
    private readonly native: NativeCardReader,
    private readonly protocol: number,
    readonly protocolName: string,
    private readonly onClosed: () => void,
  ) {}

  transmit(apdu: Buffer, responseLength = 258): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.native._transmit(apdu, responseLength, this.protocol, (err, response) =>
        err ? reject(toError(err, 'SCardTransmit')) : resolve(response),
      );
    });
  }

  // The addon lacks these calls: a connection that needs them is made by the complement (see connect).
  beginTransaction(): Promise<void> {
    return lacking('SCardBeginTransaction');
  }

  endTransaction(): Promise<void> {
    return lacking('SCardEndTransaction');
  }

  status(): Promise<CardStatus> {
    return lacking('SCardStatus');
  }

  reconnect(): Promise<string> {
    return lacking('SCardReconnect');
  }

  getAttribute(): Promise<Buffer> {
    return lacking('SCardGetAttrib');
  }

  disconnect(disposition: Disposition): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    return new Promise<void>((resolve, reject) => {
      this.native._disconnect(DISPOSITIONS[disposition], (err) => (err ? reject(toError(err, 'SCardDisconnect')) : resolve()));
    }).finally(this.onClosed);
  }
}

/** An SCardEstablishContext of the addon, with the reader list and per-reader status on demand. */
class PcscliteContext implements PcscContext {
  private readonly statuses = new Map<string, ReaderStatus>();
  private readonly statusWaiters = new Set<() => void>();
  private readonly connections = new Set<CardConnection>();
  /** Native readers for connections, reused: each holds a context of its own until the process ends. */
  private readonly idle = new Map<string, NativeCardReader[]>();
  private readonly statusThreadsRunning: Promise<void>[] = [];
  private monitor: Monitor | undefined;
  private listing: Promise<string[]> | undefined;
  private names: string[] = [];
  private closed = false;
  private lastError: Error | undefined;

  /**
   * No context is established yet: the reader list establishes one (and
   * fails then without a service), and so does each reader's first connect.
   */
  constructor(
    private readonly addon: PcscliteAddon,
    private readonly complement: AddonComplement,
  ) {}

  /**
   * Reader names in the order the service lists them. Starting the listing
   * establishes the context, so a missing service fails here. The binding announces
   * readers one event at a time from its own listing callback; wrapping that
   * callback tells when the first listing is complete, with no fixed sleep,
   * including when it is empty.
   */
  listReaders(): Promise<string[]> {
    this.listing ??= new Promise((resolve, reject) => {
      let monitor: Monitor;
      try {
        monitor = this.monitor = this.addon.monitor();
      } catch (error) {
        return reject(toError(error, 'SCardEstablishContext'));
      }
      let listed = false;
      const start = monitor.start.bind(monitor);
      monitor.start = (callback: StartCallback) =>
        start((err, data) => {
          callback(err, data);
          this.names = Object.keys(monitor.readers);
          if (!listed) {
            listed = true;
            if (err) reject(toError(err, 'SCardListReaders'));
            else resolve([...this.names]);
          }
        });
      monitor.on('reader', (reader: ListedReader) => this.track(reader));
      monitor.on('error', (error) => {
        const pcscError = PcscError.from(error);
        if (this.closed && pcscError?.scardName === 'SCARD_E_CANCELLED') return;
        this.lastError = toError(error, 'SCardListReaders');
        if (!listed) {
          listed = true;
          reject(this.lastError);
        }
      });
    });
    return this.listing.then(() => [...this.names]);
  }

  private track(reader: ListedReader): void {
    this.statusThreadsRunning.push(
      new Promise((resolve) => {
        reader.once('status', () => resolve());
        reader.once('error', () => resolve());
        reader.once('end', () => resolve());
      }),
    );
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      this.statuses.set(reader.name, readerStatus(reader.name, status.state, status.atr));
      this.wakeStatusWaiters();
    });
    reader.on('error', (error) => {
      this.lastError = toError(error, 'SCardGetStatusChange');
      this.wakeStatusWaiters();
    });
    reader.on('end', () => {
      this.statuses.delete(reader.name);
      this.wakeStatusWaiters();
    });
  }

  private wakeStatusWaiters(): void {
    for (const wake of this.statusWaiters) wake();
  }

  /** The error a status thread or the listing reported last, if any: the service or the reader went away. */
  failure(): Error | undefined {
    return this.lastError;
  }

  private listed(name: string): ListedReader | undefined {
    return this.monitor?.readers[name];
  }

  /**
   * Resolves with the reader's status as soon as `accept` likes it, or with the
   * latest status when `timeoutMs` runs out. Status comes from the binding's
   * SCardGetStatusChange thread, so it is the view of a third party.
   */
  async waitForStatus(name: string, accept: (status: ReaderStatus) => boolean, timeoutMs: number): Promise<ReaderStatus> {
    await this.listReaders();
    if (!this.listed(name)) throw PcscError.named('SCARD_E_UNKNOWN_READER', 'SCardGetStatusChange');
    return new Promise((resolve, reject) => {
      const check = (final: boolean) => {
        const status = this.statuses.get(name);
        if (status && (final || accept(status))) {
          done();
          resolve(status);
        } else if (final || !this.listed(name)) {
          done();
          reject(this.lastError ?? PcscError.named('SCARD_E_READER_UNAVAILABLE', 'SCardGetStatusChange'));
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
      if (!this.listed(name) || this.lastError) return listener(null);
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

  /**
   * SCardConnect on the exact reader name; SCARD_E_UNKNOWN_READER when there is
   * no such reader. A connection that needs a call the addon lacks is made
   * through the platform library itself, on a context of its own.
   */
  async connect(name: string, mode: ShareMode, protocol: ProtocolChoice, options: ConnectOptions = {}): Promise<Connection> {
    if (options.calls?.length) return this.complement.connectAlone(name, mode, protocol);
    return this.connectThroughAddon(name, mode, protocol);
  }

  private connectThroughAddon(name: string, mode: ShareMode, protocol: ProtocolChoice): Promise<CardConnection> {
    const native = this.idle.get(name)?.pop() ?? new this.addon.CardReader(name);
    const protocols = protocolMask(
      { protocols: protocolValues(native), directNeedsProtocol: layoutFor().directNeedsProtocol },
      mode,
      protocol,
    );
    const recycle = () => {
      if (this.closed) return;
      this.idle.set(name, [...(this.idle.get(name) ?? []), native]);
    };
    return new Promise((resolve, reject) => {
      native._connect(SHARE_MODES[mode], protocols, (err, negotiated) => {
        if (err) {
          recycle();
          return reject(toError(err, 'SCardConnect'));
        }
        const connection: CardConnection = new CardConnection(native, negotiated, protocolName(protocolValues(native), negotiated), () => {
          this.connections.delete(connection);
          recycle();
        });
        this.connections.add(connection);
        resolve(connection);
      });
    });
  }

  private complementContext: Promise<PcscContext> | undefined;

  /** The addon has no SCardCancel and no blocking status call of its own: both go to one context of the complement. */
  private lackingCalls(): Promise<PcscContext> {
    this.complementContext ??= this.complement.openContext();
    return this.complementContext;
  }

  async waitForChange(reader: string, timeoutMs: number): Promise<void> {
    return (await this.lackingCalls()).waitForChange(reader, timeoutMs);
  }

  async cancel(): Promise<void> {
    return (await this.lackingCalls()).cancel();
  }

  /**
   * Leaves any open card connection with SCARD_LEAVE_CARD, stops every
   * reader's status thread and the listing thread. Closing the listing alone
   * keeps the process alive and emits a spurious SCARD_E_CANCELLED.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await (await this.complementContext)?.close();
    for (const connection of this.connections) {
      await connection.disconnect('leave').catch(() => {});
    }
    const monitor = this.monitor;
    if (!monitor) return;
    // The binding's reader close() cancels the status thread's blocking call and
    // then joins it. A thread that has not yet established its own context
    // cannot be cancelled, and the join would hang the process: wait until every
    // thread has reported once (bounded, as a thread that never reports has ended).
    await Promise.race([Promise.all(this.statusThreadsRunning), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    const ended: Promise<void>[] = [];
    for (const reader of Object.values(monitor.readers)) {
      reader.removeAllListeners('status');
      reader.on('error', () => {});
      ended.push(new Promise((resolve) => reader.once('end', () => resolve())));
      reader.close();
    }
    monitor.close();
    // A closed reader says `end` once its thread's last report closed its handle; one that never does left it open (handles-left-open.ts).
    const settled = await Promise.all(ended.map((end) => settlesWithin(end, READER_END_MS)));
    for (const closed of settled) if (!closed) noteHandleLeftOpen();
  }
}

/** The addon's own protocol values: the library it was built against. */
function protocolValues(reader: NativeCardReader): ProtocolValues {
  return { t0: reader.SCARD_PROTOCOL_T0, t1: reader.SCARD_PROTOCOL_T1, raw: reader.SCARD_PROTOCOL_RAW };
}

/**
 * The npm binding; what the addon has no call for goes to `complement`.
 * Throws BindingUnavailableError when the addon cannot load.
 */
export function pcscliteBinding(complement: AddonComplement, loaded: PcscliteAddon = loadAddon()): Binding {
  const layout = layoutFor();
  return {
    // Read where the addon was found: finding the package once more would cost a role a millisecond.
    info: { name: 'pcsclite', version: loaded.version ?? packageVersion('pcsclite'), library: layout.library, layout: layout.id },
    openContext: async () => new PcscliteContext(loaded, complement),
    openStateQuery: () => complement.openStateQuery(),
    serviceFailure: () => complement.serviceFailure(),
    readerAttributes: (reader, names) => complement.readerAttributes(reader, names),
  };
}
