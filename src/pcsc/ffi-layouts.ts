// How each platform's PC/SC library lays out its types and names its calls,
// as data. The facts come from the vendor headers: pcsc-lite's
// pcsclite.h/wintypes.h, Apple's SmartCardServices PC/SC headers (the same in
// the 10.11 and 11.3 SDKs), and the mingw-w64 and Wine winscard.h.
// test/unit/ffi-layouts.test.ts checks koffi's sizes and offsets against them.

import type { ProtocolChoice, ShareMode } from './constants.js';

export type LayoutId = 'pcsclite' | 'macos' | 'windows';

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
  /** Windows exports ANSI and wide variants of the calls that take or return strings. */
  ansiSuffix: '' | 'A';
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
export function protocolMask(values: ProtocolValues, mode: ShareMode, protocol: ProtocolChoice): number {
  if (protocol === 'any') return mode === 'direct' ? 0 : values.t0 | values.t1;
  return values[protocol];
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

/** The layout of the PC/SC library on `platform`/`arch` (Node's names). */
export function layoutFor(platform: string = process.platform, arch: string = process.arch): Layout {
  const bits64 = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(arch);
  const pointerBytes = bits64 ? 8 : 4;
  if (platform === 'darwin') {
    // DWORD is uint32_t, LONG int32_t, SCARDCONTEXT/SCARDHANDLE int32_t.
    return {
      id: 'macos', library: '/System/Library/Frameworks/PCSC.framework/PCSC', dwordBytes: 4, handleBytes: 4, pointerBytes, handleSigned: true,
      atrSize: 33, packed: true, ansiSuffix: '', stdcall: false, protocols: { t0: T0, t1: T1, raw: 4 },
    };
  }
  if (platform === 'win32') {
    // DWORD and LONG are 32-bit; SCARDCONTEXT/SCARDHANDLE are ULONG_PTR.
    return {
      id: 'windows', library: 'winscard.dll', dwordBytes: 4, handleBytes: pointerBytes, pointerBytes, handleSigned: false,
      atrSize: 36, packed: false, ansiSuffix: 'A', stdcall: pointerBytes === 4, protocols: { t0: T0, t1: T1, raw: 0x10000 },
    };
  }
  // pcsc-lite: DWORD is unsigned long and LONG long, SCARDCONTEXT/SCARDHANDLE LONG: the machine's long.
  return {
    id: 'pcsclite', library: 'libpcsclite.so.1', dwordBytes: pointerBytes, handleBytes: pointerBytes, pointerBytes, handleSigned: false,
    atrSize: 33, packed: false, ansiSuffix: '', stdcall: false, protocols: { t0: T0, t1: T1, raw: 4 },
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
    string: pointer('const char *'),
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
