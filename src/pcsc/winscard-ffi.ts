// The few PC/SC calls the `pcsclite` binding does not expose, reached through
// koffi (an FFI package with prebuilt binaries) straight from the platform's
// PC/SC library: transactions, and an instant reader-state query that a
// long-lived binding context cannot give (pcsc-lite does not wake existing
// SCardGetStatusChange waiters when another process changes the share mode).
// The only module that imports koffi; the type layouts per platform are data.
import { createRequire } from 'node:module';
import { PcscError } from './pcsc-error.js';
import { DISPOSITIONS, SHARE_MODES, type Disposition, type ShareMode } from './constants.js';

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

interface Api {
  establish(scope: number, r1: null, r2: null, out: unknown[]): number;
  release(context: unknown): number;
  connect: AsyncCall;
  beginTransaction: AsyncCall;
  disconnect(card: unknown, disposition: number): number;
  statusChange(context: unknown, timeout: number, states: ReaderStateRecord[], count: number): number;
  layout: Layout;
}

type AsyncCall = { async(...args: unknown[]): void };

interface ReaderStateRecord {
  szReader: string;
  pvUserData: null;
  dwCurrentState: number;
  dwEventState: number;
  cbAtr: number;
  rgbAtr: number[];
}

let api: Api | undefined;
function loadApi(): Api {
  if (api) return api;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const layout = layoutFor(process.platform);
  const lib = koffi.load(layout.library);
  const { dword: D, long: L, handle: H, ansiSuffix: A } = layout;
  const fields = {
    szReader: 'const char *',
    pvUserData: 'void *',
    dwCurrentState: D,
    dwEventState: D,
    cbAtr: D,
    rgbAtr: koffi.array('uint8_t', layout.atrSize, 'Array'),
  };
  if (layout.packed) koffi.pack('SC_REPRO_READERSTATE', fields);
  else koffi.struct('SC_REPRO_READERSTATE', fields);
  api = {
    layout,
    establish: lib.func(`${L} SCardEstablishContext(${D} scope, void *r1, void *r2, _Out_ ${H} *context)`),
    release: lib.func(`${L} SCardReleaseContext(${H} context)`),
    connect: lib.func(`${L} SCardConnect${A}(${H} context, const char *reader, ${D} share, ${D} protocols, _Out_ ${H} *card, _Out_ ${D} *active)`),
    beginTransaction: lib.func(`${L} SCardBeginTransaction(${H} card)`),
    disconnect: lib.func(`${L} SCardDisconnect(${H} card, ${D} disposition)`),
    statusChange: lib.func(`${L} SCardGetStatusChange${A}(${H} context, ${D} timeout, _Inout_ SC_REPRO_READERSTATE *states, ${D} count)`),
  } as unknown as Api;
  return api;
}

const check = (rv: number, call: string) => {
  if (rv !== 0) throw PcscError.fromCode(rv >>> 0, call);
};

function callAsync(fn: AsyncCall, call: string, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, rv: number) => {
      if (err) reject(err);
      else if (rv !== 0) reject(PcscError.fromCode(rv >>> 0, call));
      else resolve();
    });
  });
}

/** A card handle from the platform library, for the calls the binding lacks. */
export class FfiCard {
  private open = true;

  constructor(
    private readonly api: Api,
    private readonly handle: unknown,
  ) {}

  /** Runs on a worker thread: another process's transaction makes it wait. */
  async beginTransaction(): Promise<void> {
    await callAsync(this.api.beginTransaction, 'SCardBeginTransaction', this.handle);
  }

  disconnect(disposition: Disposition): void {
    if (!this.open) return;
    this.open = false;
    check(this.api.disconnect(this.handle, DISPOSITIONS[disposition]), 'SCardDisconnect');
  }
}

/** An SCardEstablishContext of the platform library, released with close(). */
export class FfiContext {
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

  /** The reader's state word right now (SCardGetStatusChange, UNAWARE, timeout 0). */
  readerState(reader: string): { state: number; atr: Buffer } {
    const states: ReaderStateRecord[] = [
      { szReader: reader, pvUserData: null, dwCurrentState: SCARD_STATE_UNAWARE, dwEventState: 0, cbAtr: 0, rgbAtr: new Array(this.api.layout.atrSize).fill(0) },
    ];
    check(this.api.statusChange(this.context, 0, states, 1), 'SCardGetStatusChange');
    const state = states[0]!;
    return { state: state.dwEventState, atr: Buffer.from(state.rgbAtr.slice(0, state.cbAtr)) };
  }

  async connect(reader: string, mode: ShareMode): Promise<FfiCard> {
    const { t0, t1 } = this.api.layout.protocols;
    const card: unknown[] = [0];
    const active: unknown[] = [0];
    await callAsync(this.api.connect, 'SCardConnect', this.context, reader, SHARE_MODES[mode], mode === 'direct' ? 0 : t0 | t1, card, active);
    return new FfiCard(this.api, card[0]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api.release(this.context);
  }
}

/**
 * Whether the PC/SC service answers a new context now: the error it gives
 * (SCARD_E_NO_SERVICE once pcscd is gone), or null when it is up.
 */
export function serviceFailure(): PcscError | null {
  try {
    FfiContext.open().close();
    return null;
  } catch (error) {
    return PcscError.from(error) ?? null;
  }
}
