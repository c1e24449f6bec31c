// The few PC/SC calls the `pcsclite` binding does not expose, reached through
// koffi (an FFI package with prebuilt binaries) straight from the platform's
// PC/SC library: transactions, and an instant reader-state query that a
// long-lived binding context cannot give (pcsc-lite does not wake existing
// SCardGetStatusChange waiters when another process changes the share mode).
// The only module that imports koffi; the type layouts per platform are data.
import { createRequire } from 'node:module';
import { PcscError } from './pcsc-error.js';
import { DISPOSITIONS, SHARE_MODES, type Disposition, type ShareMode } from './constants.js';
import { codeOf } from './return-codes.js';
import type { Connection } from './connection.js';
import type { StateQuery } from './binding.js';

interface Layout {
  library: string;
  /** DWORD and LONG as the library's headers define them. */
  dword: string;
  long: string;
  /** SCARDCONTEXT and SCARDHANDLE. */
  handle: string;
  atrSize: number;
  /** macOS's PCSC.framework packs SCARD_READERSTATE to 1 byte. */
  packed: boolean;
  /** Windows exports ANSI and wide variants of the calls that take strings. */
  ansiSuffix: string;
  protocols: { t0: number; t1: number };
}

const LAYOUTS: Record<'pcsclite' | 'macos' | 'windows', Layout> = {
  pcsclite: { library: 'libpcsclite.so.1', dword: 'unsigned long', long: 'long', handle: 'long', atrSize: 33, packed: false, ansiSuffix: '', protocols: { t0: 1, t1: 2 } },
  macos: { library: '/System/Library/Frameworks/PCSC.framework/PCSC', dword: 'uint32_t', long: 'int32_t', handle: 'int32_t', atrSize: 33, packed: true, ansiSuffix: '', protocols: { t0: 1, t1: 2 } },
  windows: { library: 'winscard.dll', dword: 'uint32_t', long: 'int32_t', handle: 'uintptr_t', atrSize: 36, packed: false, ansiSuffix: 'A', protocols: { t0: 1, t1: 2 } },
};

function layoutFor(platform: string): Layout {
  if (platform === 'darwin') return LAYOUTS.macos;
  if (platform === 'win32') return LAYOUTS.windows;
  return LAYOUTS.pcsclite;
}

const SCARD_SCOPE_SYSTEM = 2;
const SCARD_STATE_UNAWARE = 0;

type AsyncCall = { async(...args: unknown[]): void };

interface ReaderStateRecord {
  szReader: string;
  pvUserData: null;
  dwCurrentState: number;
  dwEventState: number;
  cbAtr: number;
  rgbAtr: number[];
}

type KoffiLibrary = ReturnType<typeof import('koffi').load>;

/**
 * The library's calls, each declared on first use: declaring one costs
 * koffi a parse, and a process uses only a few of them.
 */
class Api {
  private readonly declared = new Map<string, ReturnType<KoffiLibrary['func']>>();

  constructor(
    private readonly lib: KoffiLibrary,
    readonly layout: Layout,
  ) {}

  private declare(prototype: string) {
    let fn = this.declared.get(prototype);
    if (!fn) this.declared.set(prototype, (fn = this.lib.func(prototype)));
    return fn;
  }

  private get types() {
    const { dword: D, long: L, handle: H, ansiSuffix: A } = this.layout;
    return { D, L, H, A };
  }

  establish(scope: number, r1: null, r2: null, out: unknown[]): number {
    const { D, L, H } = this.types;
    return this.declare(`${L} SCardEstablishContext(${D} scope, void *r1, void *r2, _Out_ ${H} *context)`)(scope, r1, r2, out);
  }

  release(context: unknown): number {
    const { L, H } = this.types;
    return this.declare(`${L} SCardReleaseContext(${H} context)`)(context);
  }

  listReaders(context: unknown, groups: null, readers: Buffer | null, length: number[]): number {
    const { D, L, H, A } = this.types;
    return this.declare(`${L} SCardListReaders${A}(${H} context, const char *groups, uint8_t *readers, _Inout_ ${D} *length)`)(context, groups, readers, length);
  }

  statusChange(context: unknown, timeout: number, states: ReaderStateRecord[], count: number): number {
    const { D, L, H, A } = this.types;
    return this.declare(`${L} SCardGetStatusChange${A}(${H} context, ${D} timeout, _Inout_ SC_REPRO_READERSTATE *states, ${D} count)`)(context, timeout, states, count);
  }

  get connect(): AsyncCall {
    const { D, L, H, A } = this.types;
    return this.declare(`${L} SCardConnect${A}(${H} context, const char *reader, ${D} share, ${D} protocols, _Out_ ${H} *card, _Out_ ${D} *active)`);
  }

  get beginTransaction(): AsyncCall {
    const { L, H } = this.types;
    return this.declare(`${L} SCardBeginTransaction(${H} card)`);
  }

  get disconnect(): AsyncCall {
    const { D, L, H } = this.types;
    return this.declare(`${L} SCardDisconnect(${H} card, ${D} disposition)`);
  }
}

let api: Api | undefined;
function loadApi(): Api {
  if (api) return api;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const layout = layoutFor(process.platform);
  const fields = {
    szReader: 'const char *',
    pvUserData: 'void *',
    dwCurrentState: layout.dword,
    dwEventState: layout.dword,
    cbAtr: layout.dword,
    rgbAtr: koffi.array('uint8_t', layout.atrSize, 'Array'),
  };
  if (layout.packed) koffi.pack('SC_REPRO_READERSTATE', fields);
  else koffi.struct('SC_REPRO_READERSTATE', fields);
  api = new Api(koffi.load(layout.library), layout);
  return api;
}

const check = (rv: number, call: string) => {
  if (rv !== 0) throw PcscError.fromCode(rv >>> 0, call);
};

const NO_READERS = codeOf('SCARD_E_NO_READERS_AVAILABLE');

function callAsync(fn: AsyncCall, call: string, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, rv: number) => {
      if (err) reject(err);
      else if (rv !== 0) reject(PcscError.fromCode(rv >>> 0, call));
      else resolve();
    });
  });
}

/**
 * A card handle from the platform library, for the calls the binding lacks.
 * Calls that may reach the card run on a worker thread: a process that also
 * plays the virtual card must keep answering it meanwhile.
 */
export class FfiCard implements Connection {
  private open = true;

  constructor(
    private readonly api: Api,
    private readonly handle: unknown,
    readonly protocolName: string,
    private readonly onClosed: () => void = () => {},
  ) {}

  transmit(): Promise<Buffer> {
    return Promise.reject(new Error('SCardTransmit is not available on a connection made for a transaction'));
  }

  /** Another process's transaction makes this wait. */
  async beginTransaction(): Promise<void> {
    await callAsync(this.api.beginTransaction, 'SCardBeginTransaction', this.handle);
  }

  async disconnect(disposition: Disposition): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await callAsync(this.api.disconnect, 'SCardDisconnect', this.handle, DISPOSITIONS[disposition]);
    } finally {
      this.onClosed();
    }
  }
}

/** An SCardEstablishContext of the platform library, released with close(). */
export class FfiContext implements StateQuery {
  private closed = false;

  private constructor(
    private readonly api: Api,
    private readonly context: unknown,
  ) {}

  static open(): FfiContext {
    const loaded = loadApi();
    const out: unknown[] = [0];
    check(loaded.establish(SCARD_SCOPE_SYSTEM, null, null, out), 'SCardEstablishContext');
    return new FfiContext(loaded, out[0]);
  }

  /** SCardListReaders: the names in the order the service lists them. */
  listReaders(): string[] {
    const length = [0];
    const sized = this.api.listReaders(this.context, null, null, length);
    if (sized >>> 0 === NO_READERS) return [];
    check(sized, 'SCardListReaders');
    const buffer = Buffer.alloc(length[0]!);
    const rv = this.api.listReaders(this.context, null, buffer, length);
    if (rv >>> 0 === NO_READERS) return [];
    check(rv, 'SCardListReaders');
    // A multi-string: names separated by NUL, ended by two.
    return buffer.subarray(0, length[0]).toString('utf8').split('\0').filter(Boolean);
  }

  /** The reader's state word right now (SCardGetStatusChange, UNAWARE, timeout 0). */
  readerState(reader: string): { state: number; atr: Buffer } {
    const states: ReaderStateRecord[] = [
      { szReader: reader, pvUserData: null, dwCurrentState: SCARD_STATE_UNAWARE, dwEventState: 0, cbAtr: 0, rgbAtr: new Array(this.api.layout.atrSize).fill(0) },
    ];
    check(this.api.statusChange(this.context, 0, states, 1), 'SCardGetStatusChange');
    const state = states[0]!;
    return { state: state.dwEventState, atr: Buffer.from(state.rgbAtr.slice(0, state.cbAtr)) };
  }

  async connect(reader: string, mode: ShareMode, onClosed?: () => void): Promise<FfiCard> {
    const { t0, t1 } = this.api.layout.protocols;
    const card: unknown[] = [0];
    const active: number[] = [0];
    await callAsync(this.api.connect, 'SCardConnect', this.context, reader, SHARE_MODES[mode], mode === 'direct' ? 0 : t0 | t1, card, active);
    const protocol = active[0] === t0 ? 'T0' : active[0] === t1 ? 'T1' : active[0] ? `0x${active[0].toString(16)}` : 'undefined';
    return new FfiCard(this.api, card[0], protocol, onClosed);
  }

  /** A connection on a context of its own, released when the connection is. */
  static async connectAlone(reader: string, mode: ShareMode): Promise<FfiCard> {
    const context = FfiContext.open();
    try {
      return await context.connect(reader, mode, () => context.close());
    } catch (error) {
      context.close();
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api.release(this.context);
  }
}

