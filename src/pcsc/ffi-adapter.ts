// The `ffi` binding: the platform's own PC/SC library (libpcsclite.so.1,
// PCSC.framework, winscard.dll, or --pcsc-library) called through koffi, an
// FFI package with prebuilt binaries: no compiler at install. Its parts, one
// job each: ffi-library.ts loads koffi and the library and declares its
// calls (types, names and the calling convention per platform are data in
// ffi-layouts.ts); ffi-context.ts and ffi-connection.ts are the context and
// the card handle; ffi-third-party.ts is a third party's look.
//
// Calls that may reach the card, or wait for another process, run on a
// worker thread (koffi's async calls): a process that also plays the virtual
// card must keep answering it, and a blocked call must not freeze timers.
import type { AddonComplement, Binding } from './binding.js';
import { FfiContext } from './ffi-context.js';
import { loadApi } from './ffi-library.js';
import { thirdPartyCalls } from './ffi-third-party.js';

/**
 * The ffi binding on `library` (null: the platform's own). It is also what
 * the npm addon lacks, on contexts of its own. Throws BindingUnavailableError
 * when koffi or the library cannot load.
 */
export function ffiBinding(library: string | null): Binding & AddonComplement {
  const api = loadApi(library);
  return {
    // koffi says its own version: finding its package.json would resolve koffi's exports map once more (~1-2 ms of CPU).
    info: { name: 'ffi', version: api.koffi.version, library: api.library, layout: api.layout.id },
    openContext: async () => FfiContext.open(api),
    connectAlone: (reader, mode, protocol) => FfiContext.connectAlone(api, reader, mode, protocol),
    ...thirdPartyCalls(api),
  };
}
