// How each platform's PC/SC library lays out its types and names its calls,
// as data. The facts come from the vendor headers: pcsc-lite's
// pcsclite.h/wintypes.h, Apple's SmartCardServices PC/SC headers (the same in
// the 10.11 and 11.3 SDKs), and the mingw-w64 and Wine winscard.h.
// test/unit/ffi-layouts.test.ts checks koffi's sizes and offsets against them.
//
// SC_REPRO_FFI_LAYOUT makes the ffi adapter call its library with another
// platform's interface: the test suite runs the macOS and Windows code paths
// on Linux through libraries that present those interfaces over libpcsclite.
// It changes how the library is called, not what sc-repro expects.

import type { ProtocolChoice, ShareMode } from './constants.js';

export const LAYOUT_IDS = ['pcsclite', 'macos', 'windows'] as const;
export type LayoutId = (typeof LAYOUT_IDS)[number];
export const LAYOUT_ENV = 'SC_REPRO_FFI_LAYOUT';

const PLATFORM_OF_LAYOUT: Record<LayoutId, string> = { pcsclite: 'linux', macos: 'darwin', windows: 'win32' };

/** The layout SC_REPRO_FFI_LAYOUT names; null when unset, undefined when it names none. */
export function layoutOverride(env: NodeJS.ProcessEnv = process.env): LayoutId | null | undefined {
  const value = env[LAYOUT_ENV]?.trim().toLowerCase();
  if (!value) return null;
  return LAYOUT_IDS.find((id) => id === value);
}

/** The interface this process calls PC/SC through: the override, or the platform's own. */
export function activeLayout(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
  arch: string = process.arch,
): Layout {
  const override = layoutOverride(env);
  return layoutFor(override ? PLATFORM_OF_LAYOUT[override] : platform, arch);
}

/** The Node platform name whose conventions (hints) a layout stands for: pcsc-lite's is this Unix's own. */
export function platformOfLayout(id: LayoutId, platform: string = process.platform): string {
  if (id === 'pcsclite') return platform === 'darwin' || platform === 'win32' ? 'linux' : platform;
  return PLATFORM_OF_LAYOUT[id];
}

export interface Layout {
  id: LayoutId;
  /** The library a process opens when no other is given. */
  library: string;
  /** Bytes of DWORD (and LONG), of SCARDCONTEXT/SCARDHANDLE, and of a pointer. */
  dwordBytes: 4 | 8;
  handleBytes: 4 | 8;
  pointerBytes: 4 | 8;
  /** Handles are signed on macOS (int32_t), unsigned elsewhere. */
  handleSigned: boolean;
  /** SCARD_READERSTATE.rgbAtr: 33 bytes on pcsc-lite and macOS, 36 on Windows. */
  atrSize: 33 | 36;
  /** macOS's PCSC.framework declares SCARD_READERSTATE under #pragma pack(1). */
  packed: boolean;
  /**
   * Windows exports ANSI (A) and wide (W) variants of the calls that take or
   * return strings. The A ones use the ANSI code page, so a reader name with
   * a non-ASCII character would not survive: sc-repro calls the W ones, in
   * UTF-16 (Microsoft: "Unicode in the Windows API").
   */
  stringCalls: { suffix: '' | 'W'; encoding: 'utf8' | 'utf16le' };
  /**
   * SCardStatus's pdwState: pcsc-lite and macOS give bit flags
   * (SCARD_PRESENT = 0x0004, ...); Windows one value of an enumeration
   * (SCARD_PRESENT = 2, ...; learn.microsoft.com, SCardStatusA).
   */
  cardState: 'bits' | 'enumeration';
  /**
   * The protocols asked for by a direct connection. None on pcsc-lite and
   * Windows (Microsoft: dwPreferredProtocols "can be zero only if dwShareMode
   * is SCARD_SHARE_DIRECT"). Apple's SCardConnect refuses a request with no
   * protocol bit with SCARD_E_PROTO_MISMATCH whatever the share mode (Apple's
   * SmartCardServices src/PCSC/winscard.c checks dwPreferredProtocols before
   * the share mode; reported on 10.11 in jnasmartcardio issue 29): there a
   * direct connection asks for T0 or T1, and gets the card's protocol.
   */
  directNeedsProtocol: boolean;
  /** WINAPI is __stdcall on 32-bit Windows; the C convention everywhere else. */
  stdcall: boolean;
  protocols: ProtocolValues;
}

/** SCARD_PROTOCOL_T0, T1 and RAW as one library defines them. */
export interface ProtocolValues {
  t0: number;
  t1: number;
  raw: number;
}

/** The protocols to ask for; a direct connection talks to the reader, not the card: no protocol to negotiate. */
export function protocolMask(layout: Pick<Layout, 'protocols' | 'directNeedsProtocol'>, mode: ShareMode, protocol: ProtocolChoice): number {
  if (protocol !== 'any') return layout.protocols[protocol];
  return mode === 'direct' && !layout.directNeedsProtocol ? 0 : layout.protocols.t0 | layout.protocols.t1;
}

/** SCardStatus's state as pcsc-lite's bit flags, whichever form the library gave. */
export function cardStateBits(layout: Pick<Layout, 'cardState'>, state: number): number {
  // Windows' enumeration counts up through the same states pcsc-lite gives one bit each (SCARD_UNKNOWN 0 = 0x0001, ... SCARD_SPECIFIC 6 = 0x0040).
  return layout.cardState === 'enumeration' ? (state >= 0 && state <= 6 ? 1 << state : 0) : state;
}

/** The protocol a connection reported, by name. */
export function protocolName(values: ProtocolValues, protocol: number | undefined): string {
  if (protocol === values.t0) return 'T0';
  if (protocol === values.t1) return 'T1';
  if (protocol === values.raw) return 'RAW';
  return protocol ? `0x${protocol.toString(16)}` : 'undefined';
}

const T0 = 1;
const T1 = 2;
const NARROW = { suffix: '', encoding: 'utf8' } as const;

/** The layout of the PC/SC library on `platform`/`arch` (Node's names). */
export function layoutFor(platform: string = process.platform, arch: string = process.arch): Layout {
  const bits64 = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(arch);
  const pointerBytes = bits64 ? 8 : 4;
  if (platform === 'darwin') {
    // DWORD is uint32_t, LONG int32_t, SCARDCONTEXT/SCARDHANDLE int32_t.
    return {
      id: 'macos',
      library: '/System/Library/Frameworks/PCSC.framework/PCSC',
      dwordBytes: 4,
      handleBytes: 4,
      pointerBytes,
      handleSigned: true,
      atrSize: 33,
      packed: true,
      stringCalls: NARROW,
      stdcall: false,
      protocols: { t0: T0, t1: T1, raw: 4 },
      cardState: 'bits',
      directNeedsProtocol: true,
    };
  }
  if (platform === 'win32') {
    // DWORD and LONG are 32-bit; SCARDCONTEXT/SCARDHANDLE are ULONG_PTR.
    return {
      id: 'windows',
      library: 'winscard.dll',
      dwordBytes: 4,
      handleBytes: pointerBytes,
      pointerBytes,
      handleSigned: false,
      atrSize: 36,
      packed: false,
      stringCalls: { suffix: 'W', encoding: 'utf16le' },
      stdcall: pointerBytes === 4,
      protocols: { t0: T0, t1: T1, raw: 0x10000 },
      cardState: 'enumeration',
      directNeedsProtocol: false,
    };
  }
  // pcsc-lite: DWORD is unsigned long and LONG long, SCARDCONTEXT/SCARDHANDLE LONG: the machine's long.
  return {
    id: 'pcsclite',
    library: 'libpcsclite.so.1',
    dwordBytes: pointerBytes,
    handleBytes: pointerBytes,
    pointerBytes,
    handleSigned: false,
    atrSize: 33,
    packed: false,
    stringCalls: NARROW,
    stdcall: false,
    protocols: { t0: T0, t1: T1, raw: 4 },
    cardState: 'bits',
    directNeedsProtocol: false,
  };
}

/** koffi type names for a layout. `native`: the host's own pointer types, so strings and buffers can be passed. */
export function ffiTypes(layout: Layout, native: boolean) {
  const int = (bytes: 4 | 8, signed: boolean) => `${signed ? '' : 'u'}int${bytes * 8}_t`;
  const pointer = (type: string) => (native ? type : int(layout.pointerBytes, false));
  return {
    dword: int(layout.dwordBytes, false),
    long: int(layout.dwordBytes, true),
    handle: int(layout.handleBytes, layout.handleSigned),
    string: pointer(layout.stringCalls.encoding === 'utf16le' ? 'const char16_t *' : 'const char *'),
    pointer: pointer('void *'),
  };
}

/** SCARD_READERSTATE's fields in order, as koffi types. */
export function readerStateFields<T>(layout: Layout, native: boolean, atrArray: (size: number) => T) {
  const types = ffiTypes(layout, native);
  return {
    szReader: types.string,
    pvUserData: types.pointer,
    dwCurrentState: types.dword,
    dwEventState: types.dword,
    cbAtr: types.dword,
    rgbAtr: atrArray(layout.atrSize),
  };
}
