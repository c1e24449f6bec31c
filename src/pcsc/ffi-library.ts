// The platform's own PC/SC library (libpcsclite.so.1, PCSC.framework,
// winscard.dll, or --pcsc-library) loaded through koffi, an FFI package with
// prebuilt binaries: no compiler at install. The only module that imports
// koffi. Types, names and the calling convention per platform are data in
// ffi-layouts.ts; here they become koffi's structs and function prototypes.
import { createRequire } from 'node:module';
import { hint } from '../platform/hints.js';
import { BindingUnavailableError } from './adapter-common.js';
import type { ProtocolChoice, ShareMode } from './constants.js';
import {
  LAYOUT_ENV,
  activeLayout,
  ffiTypes,
  protocolMask,
  protocolName,
  readerStateFields,
  type Layout,
  type LayoutId,
} from './ffi-layouts.js';
import { PcscError } from './pcsc-error.js';

type Koffi = typeof import('koffi');
type KoffiLibrary = ReturnType<Koffi['load']>;
export type KoffiFunction = ReturnType<KoffiLibrary['func']>;

/** koffi's names for a layout's structs. koffi refuses a type name twice, so each layout's are declared once per process. */
interface StructNames {
  readerState: string;
  ioRequest: string;
}
const declaredStructs = new Map<LayoutId, StructNames>();

function declareStructs(koffi: Koffi, layout: Layout, types: ReturnType<typeof ffiTypes>): StructNames {
  let names = declaredStructs.get(layout.id);
  if (!names) {
    names = { readerState: `SC_REPRO_READERSTATE_${layout.id}`, ioRequest: `SC_REPRO_IO_REQUEST_${layout.id}` };
    const fields = readerStateFields(layout, true, (size) => koffi.array('uint8_t', size, 'Array'));
    if (layout.packed) koffi.pack(names.readerState, fields);
    else koffi.struct(names.readerState, fields);
    koffi.struct(names.ioRequest, { dwProtocol: types.dword, cbPciLength: types.dword });
    declaredStructs.set(layout.id, names);
  }
  return names;
}

/** The library's calls, each declared on first use: declaring costs koffi a parse, and a process uses few. */
export class LibraryApi {
  private readonly declared = new Map<string, KoffiFunction>();
  readonly types: ReturnType<typeof ffiTypes>;
  readonly structs: StructNames;

  constructor(
    readonly koffi: Koffi,
    private readonly lib: KoffiLibrary,
    readonly layout: Layout,
    /** The path it was loaded from, as given. */
    readonly library: string,
  ) {
    this.types = ffiTypes(layout, true);
    this.structs = declareStructs(koffi, layout, this.types);
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

  /** "a\0b\0\0", `chars` characters long, gives ["a", "b"]. */
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

let koffiModule: Koffi | undefined;

/**
 * koffi's native module as its platform package has it (koffi's optional dependency for this platform and CPU, which
 * npm installs beside it at koffi's own version), or null. koffi's entry loads that same module, then adds wrappers
 * for APIs it has deprecated, which this file does not use: ~6 ms of CPU at every start of a process that loads it.
 */
function platformKoffi(): Koffi | null {
  try {
    const native = createRequire(import.meta.url)(`@koromix/koffi-${process.platform}-${process.arch}`) as Partial<Koffi>;
    // The API this file is written for is koffi 3's (package.json); any other goes through koffi's entry, which checks.
    return typeof native.version === 'string' && native.version.startsWith('3.') ? (native as Koffi) : null;
  } catch {
    // Not installed where this file can see it (a strict node_modules layout): koffi's entry finds it.
    return null;
  }
}

function loadKoffi(): Koffi {
  if (koffiModule) return koffiModule;
  try {
    koffiModule = platformKoffi() ?? (createRequire(import.meta.url)('koffi') as Koffi);
    return koffiModule;
  } catch (error) {
    throw new BindingUnavailableError(
      `the ffi binding needs koffi, which could not be loaded (${(error as Error).message.split('\n')[0]})`,
      hint('koffiMissing'),
    );
  }
}

/** Each library once per process and per interface: the system library and --pcsc-library may both be asked for. */
const loadedApis = new Map<string, LibraryApi>();

export function loadApi(library: string | null): LibraryApi {
  // The key is what picks the layout and the path, so a load already made builds no Layout.
  const key = `${process.env[LAYOUT_ENV] ?? ''}\0${library ?? ''}`;
  const cached = loadedApis.get(key);
  if (cached) return cached;
  const layout = activeLayout();
  const path = library ?? layout.library;
  const koffi = loadKoffi();
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
  const api = new LibraryApi(koffi, lib, layout, path);
  loadedApis.set(key, api);
  return api;
}
