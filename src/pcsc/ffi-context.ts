// A context of the ffi binding: SCardEstablishContext, the reader list and
// the readers' state, connections, SCardGetStatusChange and SCardCancel.
// A look at a reader's state (timeout 0) never waits, so it is a plain call;
// a wait for a change, and SCardConnect, run on koffi's worker thread
// (LibraryApi.call), where they may block without freezing this process.
import { readerStatus } from './adapter-common.js';
import type { Connection, PcscContext, ReaderStatus } from './binding.js';
import { SHARE_MODES, type ProtocolChoice, type ShareMode } from './constants.js';
import { FfiConnection } from './ffi-connection.js';
import type { KoffiFunction, LibraryApi } from './ffi-library.js';
import { PcscError } from './pcsc-error.js';
import { codeOf } from './return-codes.js';
import { monotonicMs } from '../core/bounded-wait.js';

const SCARD_SCOPE_SYSTEM = 2;
const SCARD_STATE_UNAWARE = 0;
const NO_READERS = codeOf('SCARD_E_NO_READERS_AVAILABLE');
const INSUFFICIENT_BUFFER = codeOf('SCARD_E_INSUFFICIENT_BUFFER');
/** How often a watched reader is looked at again: pcscd itself polls readers about this often. */
const WATCH_POLL_MS = 100;

interface ReaderStateRecord {
  szReader: string;
  pvUserData: null;
  dwCurrentState: number;
  dwEventState: number;
  cbAtr: number;
  rgbAtr: number[];
}

const check = (rv: number, call: string) => {
  if (rv >>> 0 !== 0) throw PcscError.fromCode(rv >>> 0, call);
};

/** An SCardEstablishContext of the platform library. */
export class FfiContext implements PcscContext {
  private readonly connections = new Set<FfiConnection>();
  private lastError: Error | undefined;
  private released = false;
  /** A context made for one connection is released with it. */
  private releaseWithLastConnection = false;

  private constructor(
    private readonly api: LibraryApi,
    private readonly context: unknown,
  ) {}

  static open(api: LibraryApi): FfiContext {
    const { dword, handle } = api.types;
    const out = [0];
    check(
      api.fn('SCardEstablishContext', `${dword} scope, void *r1, void *r2, _Out_ ${handle} *context`)(SCARD_SCOPE_SYSTEM, null, null, out),
      'SCardEstablishContext',
    );
    return new FfiContext(api, out[0]);
  }

  /** A connection on a context of its own, released when the connection is. */
  static async connectAlone(api: LibraryApi, reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<Connection> {
    const context = FfiContext.open(api);
    context.releaseWithLastConnection = true;
    try {
      return await context.connect(reader, mode, protocol);
    } catch (error) {
      context.release();
      throw error;
    }
  }

  /** SCardListReaders, at once. */
  readerNames(): string[] {
    const { dword, handle, string } = this.api.types;
    const fn = this.api.fn('SCardListReaders', `${handle} context, ${string} groups, uint8_t *readers, _Inout_ ${dword} *length`, true);
    for (;;) {
      const length = [0];
      const sized = fn(this.context, null, null, length) >>> 0;
      if (sized === NO_READERS) return [];
      check(sized, 'SCardListReaders');
      const buffer = this.api.textBuffer(length[0]!);
      const rv = fn(this.context, null, buffer, length) >>> 0;
      if (rv === NO_READERS) return [];
      // A reader plugged in between the two calls makes the list longer: ask again.
      if (rv === INSUFFICIENT_BUFFER) continue;
      check(rv, 'SCardListReaders');
      return this.api.multiString(buffer, length[0]!);
    }
  }

  private statusChange(): KoffiFunction {
    const { dword, handle } = this.api.types;
    return this.api.fn(
      'SCardGetStatusChange',
      `${handle} context, ${dword} timeout, _Inout_ ${this.api.structs.readerState} *states, ${dword} count`,
      true,
    );
  }

  /** One SCARD_READERSTATE for `reader`, as the caller believes it to be. */
  private stateRecords(reader: string, currentState: number): ReaderStateRecord[] {
    return [
      {
        szReader: reader,
        pvUserData: null,
        dwCurrentState: currentState,
        dwEventState: 0,
        cbAtr: 0,
        rgbAtr: new Array(this.api.layout.atrSize).fill(0),
      },
    ];
  }

  /** SCardGetStatusChange with current state UNAWARE and timeout 0: the state now. */
  readerState(reader: string): { state: number; atr: Buffer } {
    const states = this.stateRecords(reader, SCARD_STATE_UNAWARE);
    check(this.statusChange()(this.context, 0, states, 1), 'SCardGetStatusChange');
    const state = states[0]!;
    return { state: state.dwEventState, atr: Buffer.from(state.rgbAtr.slice(0, state.cbAtr)) };
  }

  private look(reader: string): ReaderStatus {
    const { state, atr } = this.readerState(reader);
    return readerStatus(reader, state, atr);
  }

  async listReaders(): Promise<string[]> {
    return this.readerNames();
  }

  async status(reader: string): Promise<ReaderStatus> {
    return this.look(reader);
  }

  async waitForStatus(reader: string, accept: (status: ReaderStatus) => boolean, timeoutMs: number): Promise<ReaderStatus> {
    const deadline = monotonicMs() + timeoutMs;
    let status = this.look(reader);
    while (!accept(status) && monotonicMs() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(WATCH_POLL_MS, deadline - monotonicMs())));
      status = this.look(reader);
    }
    return status;
  }

  watch(reader: string, listener: (status: ReaderStatus | null) => void): () => void {
    const timer = setInterval(() => {
      try {
        listener(this.look(reader));
      } catch (error) {
        this.lastError = error instanceof Error ? error : new Error(String(error));
        listener(null);
      }
    }, WATCH_POLL_MS);
    return () => clearInterval(timer);
  }

  failure(): Error | undefined {
    return this.lastError;
  }

  async connect(reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<FfiConnection> {
    const { dword, handle, string } = this.api.types;
    const fn = this.api.fn(
      'SCardConnect',
      `${handle} context, ${string} reader, ${dword} share, ${dword} protocols, _Out_ ${handle} *card, _Out_ ${dword} *active`,
      true,
    );
    const card = [0];
    const active = [0];
    await this.api.call(fn, 'SCardConnect', this.context, reader, SHARE_MODES[mode], this.api.protocolMask(mode, protocol), card, active);
    const connection: FfiConnection = new FfiConnection(this.api, card[0], active[0]!, () => {
      this.connections.delete(connection);
      if (this.releaseWithLastConnection && this.connections.size === 0) this.release();
    });
    this.connections.add(connection);
    return connection;
  }

  async waitForChange(reader: string, timeoutMs: number): Promise<void> {
    const { state } = this.readerState(reader);
    await this.api.call(this.statusChange(), 'SCardGetStatusChange', this.context, timeoutMs, this.stateRecords(reader, state), 1);
  }

  /** SCardCancel: ends this context's blocking calls with SCARD_E_CANCELLED. */
  async cancel(): Promise<void> {
    check(this.api.fn('SCardCancel', `${this.api.types.handle} context`)(this.context), 'SCardCancel');
  }

  /** Leaves every card as found, then releases the context. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.connections].map((connection) => connection.disconnect('leave')));
    this.release();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.api.fn('SCardReleaseContext', `${this.api.types.handle} context`)(this.context);
  }
}
