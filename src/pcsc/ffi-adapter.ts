// The `ffi` binding: the platform's own PC/SC library (libpcsclite.so.1,
// PCSC.framework, winscard.dll, or --pcsc-library) called through koffi, an
// FFI package with prebuilt binaries: no compiler at install. The only module
// that imports koffi. Types, names and the calling convention per platform
// are data in ffi-layouts.ts.
//
// Calls that may reach the card, or wait for another process, run on a
// worker thread (koffi's async calls): a process that also plays the virtual
// card must keep answering it, and a blocked call must not freeze timers.
import { createRequire } from 'node:module';
import { packageVersion } from '../core/version.js';
import { hint } from '../platform/hints.js';
import {
  BindingUnavailableError,
  readerStatus,
  type Binding,
  type CardStatus,
  type Connection,
  type PcscContext,
  type ReaderStatus,
  type StateQuery,
} from './binding.js';
import { DISPOSITIONS, SHARE_MODES, formatAtr, type Disposition, type ProtocolChoice, type ShareMode } from './constants.js';
import { activeLayout, cardStateBits, ffiTypes, protocolMask, protocolName, readerStateFields, type Layout } from './ffi-layouts.js';
import { PcscError } from './pcsc-error.js';
import { codeOf } from './return-codes.js';

type Koffi = typeof import('koffi');
type KoffiLibrary = ReturnType<Koffi['load']>;
type KoffiFunction = ReturnType<KoffiLibrary['func']>;

const SCARD_SCOPE_SYSTEM = 2;
const SCARD_STATE_UNAWARE = 0;
const NO_READERS = codeOf('SCARD_E_NO_READERS_AVAILABLE');
const INSUFFICIENT_BUFFER = codeOf('SCARD_E_INSUFFICIENT_BUFFER');
/** The longest response APDU (256 data bytes and SW1 SW2), with room for an extended length. */
const RESPONSE_SIZE = 65_538;
const READER_NAME_SIZE = 1024;
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

/** The library's calls, each declared on first use: declaring costs koffi a parse, and a process uses few. */
class Api {
  private readonly declared = new Map<string, KoffiFunction>();
  readonly types: ReturnType<typeof ffiTypes>;

  constructor(
    readonly koffi: Koffi,
    private readonly lib: KoffiLibrary,
    readonly layout: Layout,
  ) {
    this.types = ffiTypes(layout, true);
    const fields = readerStateFields(layout, true, (size) => koffi.array('uint8_t', size, 'Array'));
    if (layout.packed) koffi.pack('SC_REPRO_READERSTATE', fields);
    else koffi.struct('SC_REPRO_READERSTATE', fields);
    koffi.struct('SC_REPRO_IO_REQUEST', { dwProtocol: this.types.dword, cbPciLength: this.types.dword });
  }

  /** `returns name(params)` with the layout's calling convention, and its suffix for a call that takes or returns text. */
  fn(name: string, params: string, text = false): KoffiFunction {
    const { long } = this.types;
    const prototype = `${long} ${this.layout.stdcall ? '__stdcall ' : ''}${name}${text ? this.layout.stringCalls.suffix : ''}(${params})`;
    let fn = this.declared.get(prototype);
    if (!fn) {
      fn = this.lib.func(prototype);
      this.declared.set(prototype, fn);
    }
    return fn;
  }

  /** Runs on koffi's worker thread; rejects with the PcscError of a non-zero code. */
  call(fn: KoffiFunction, name: string, ...args: unknown[]): Promise<void> {
    return new Promise((resolve, reject) => {
      fn.async(...args, (error: unknown, rv: number) => {
        if (error) reject(error);
        else if (rv >>> 0 !== 0) reject(PcscError.fromCode(rv >>> 0, name));
        else resolve();
      });
    });
  }

  protocolName(protocol: number): string {
    return protocolName(this.layout.protocols, protocol);
  }

  protocolMask(mode: ShareMode, protocol: ProtocolChoice): number {
    return protocolMask(this.layout, mode, protocol);
  }

  /** A buffer for `chars` characters of the library's text. */
  textBuffer(chars: number): Buffer {
    return Buffer.alloc(chars * this.charBytes);
  }

  /** "a\0b\0\0", `chars` characters long → ["a", "b"]. */
  multiString(buffer: Buffer, chars: number): string[] {
    return buffer
      .subarray(0, chars * this.charBytes)
      .toString(this.layout.stringCalls.encoding)
      .split('\0')
      .filter(Boolean);
  }

  private get charBytes(): number {
    return this.layout.stringCalls.encoding === 'utf16le' ? 2 : 1;
  }
}

class FfiConnection implements Connection {
  private open = true;
  private protocol: number;

  constructor(
    private readonly api: Api,
    private readonly handle: unknown,
    protocol: number,
    private readonly onClosed: () => void,
  ) {
    this.protocol = protocol;
  }

  get protocolName(): string {
    return this.api.protocolName(this.protocol);
  }

  async transmit(apdu: Buffer): Promise<Buffer> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn(
      'SCardTransmit',
      `${handle} card, const SC_REPRO_IO_REQUEST *sendPci, const uint8_t *send, ${dword} sendLength, SC_REPRO_IO_REQUEST *recvPci, uint8_t *recv, _Inout_ ${dword} *recvLength`,
    );
    const response = Buffer.alloc(RESPONSE_SIZE);
    const length = [response.length];
    const pci = { dwProtocol: this.protocol, cbPciLength: this.api.koffi.sizeof('SC_REPRO_IO_REQUEST') };
    await this.api.call(fn, 'SCardTransmit', this.handle, pci, apdu, apdu.length, null, response, length);
    return response.subarray(0, length[0]);
  }

  beginTransaction(): Promise<void> {
    return this.api.call(this.api.fn('SCardBeginTransaction', `${this.api.types.handle} card`), 'SCardBeginTransaction', this.handle);
  }

  endTransaction(disposition: Disposition): Promise<void> {
    const { dword, handle } = this.api.types;
    return this.api.call(
      this.api.fn('SCardEndTransaction', `${handle} card, ${dword} disposition`),
      'SCardEndTransaction',
      this.handle,
      DISPOSITIONS[disposition],
    );
  }

  async status(): Promise<CardStatus> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn(
      'SCardStatus',
      `${handle} card, uint8_t *reader, _Inout_ ${dword} *readerLength, _Out_ ${dword} *state, _Out_ ${dword} *protocol, uint8_t *atr, _Inout_ ${dword} *atrLength`,
      true,
    );
    const reader = this.api.textBuffer(READER_NAME_SIZE);
    const readerLength = [READER_NAME_SIZE];
    const state = [0];
    const protocol = [0];
    const atr = Buffer.alloc(this.api.layout.atrSize);
    const atrLength = [atr.length];
    await this.api.call(fn, 'SCardStatus', this.handle, reader, readerLength, state, protocol, atr, atrLength);
    return {
      reader: this.api.multiString(reader, readerLength[0]!)[0] ?? '',
      state: cardStateBits(this.api.layout, state[0]!),
      protocol: this.api.protocolName(protocol[0]!),
      atr: formatAtr(atr.subarray(0, atrLength[0])),
    };
  }

  async reconnect(mode: ShareMode, protocol: ProtocolChoice, initialization: Disposition): Promise<string> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn(
      'SCardReconnect',
      `${handle} card, ${dword} share, ${dword} protocols, ${dword} initialization, _Out_ ${dword} *active`,
    );
    const active = [0];
    await this.api.call(
      fn,
      'SCardReconnect',
      this.handle,
      SHARE_MODES[mode],
      this.api.protocolMask(mode, protocol),
      DISPOSITIONS[initialization],
      active,
    );
    this.protocol = active[0]!;
    return this.protocolName;
  }

  async getAttribute(attribute: number): Promise<Buffer> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn('SCardGetAttrib', `${handle} card, ${dword} attribute, uint8_t *value, _Inout_ ${dword} *length`);
    // The size first: pcsc-lite refuses a buffer larger than its message can carry.
    const length = [0];
    await this.api.call(fn, 'SCardGetAttrib', this.handle, attribute, null, length);
    const value = Buffer.alloc(length[0]!);
    await this.api.call(fn, 'SCardGetAttrib', this.handle, attribute, value, length);
    return value.subarray(0, length[0]);
  }

  async disconnect(disposition: Disposition): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const { dword, handle } = this.api.types;
    try {
      await this.api.call(
        this.api.fn('SCardDisconnect', `${handle} card, ${dword} disposition`),
        'SCardDisconnect',
        this.handle,
        DISPOSITIONS[disposition],
      );
    } finally {
      this.onClosed();
    }
  }
}

/** An SCardEstablishContext of the platform library. */
class FfiContext implements PcscContext {
  private readonly connections = new Set<FfiConnection>();
  private lastError: Error | undefined;
  private released = false;
  /** A context made for one connection is released with it. */
  private releaseWithLastConnection = false;

  private constructor(
    private readonly api: Api,
    private readonly context: unknown,
  ) {}

  static open(api: Api): FfiContext {
    const { dword, handle } = api.types;
    const out = [0];
    check(
      api.fn('SCardEstablishContext', `${dword} scope, void *r1, void *r2, _Out_ ${handle} *context`)(SCARD_SCOPE_SYSTEM, null, null, out),
      'SCardEstablishContext',
    );
    return new FfiContext(api, out[0]);
  }

  /** A connection on a context of its own, released when the connection is. */
  static async connectAlone(api: Api, reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<Connection> {
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
      `${handle} context, ${dword} timeout, _Inout_ SC_REPRO_READERSTATE *states, ${dword} count`,
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
    const deadline = performance.now() + timeoutMs;
    let status = this.look(reader);
    while (!accept(status) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(WATCH_POLL_MS, deadline - performance.now())));
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

/** The third party's view: a context of its own, used for instant looks only. */
class FfiStateQuery implements StateQuery {
  constructor(private readonly context: FfiContext) {}
  listReaders(): string[] {
    return this.context.readerNames();
  }
  readerState(reader: string): { state: number; atr: Buffer } {
    return this.context.readerState(reader);
  }
  close(): void {
    this.context.release();
  }
}

let loaded: { api: Api; library: string } | undefined;

function loadApi(library: string | null): Api {
  const layout = activeLayout();
  const path = library ?? layout.library;
  if (loaded) return loaded.api;
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (error) {
    throw new BindingUnavailableError(
      `the ffi binding needs koffi, which could not be loaded (${(error as Error).message.split('\n')[0]})`,
      hint('koffiMissing'),
    );
  }
  let lib: KoffiLibrary;
  try {
    lib = koffi.load(path);
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    throw new BindingUnavailableError(
      `the ffi binding could not load the PC/SC library ${path} (${why})`,
      library
        ? 'check the --pcsc-library path'
        : layout.id === 'pcsclite'
          ? 'install the PC/SC client library: `sudo apt install libpcsclite1 pcscd`'
          : 'the system PC/SC library is missing',
    );
  }
  loaded = { api: new Api(koffi, lib, layout), library: path };
  return loaded.api;
}

export function ffiBinding(library: string | null): Binding {
  const api = loadApi(library);
  return {
    info: { name: 'ffi', version: packageVersion('koffi'), library: loaded!.library, layout: api.layout.id },
    openContext: async () => FfiContext.open(api),
  };
}

export function openStateQuery(library: string | null): StateQuery {
  return new FfiStateQuery(FfiContext.open(loadApi(library)));
}

export function serviceFailure(library: string | null): PcscError | null {
  try {
    FfiContext.open(loadApi(library)).release();
    return null;
  } catch (error) {
    return PcscError.from(error) ?? null;
  }
}

/** For the npm binding's adapter: a connection it cannot make (it has no such call), made here on a context of its own. */
export function connectAlone(library: string | null, reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<Connection> {
  return FfiContext.connectAlone(loadApi(library), reader, mode, protocol);
}
