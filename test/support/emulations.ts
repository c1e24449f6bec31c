// The two platform emulations: PCSC.framework's and winscard.dll's (x64)
// interfaces on Linux, each forwarding to pcsc-lite (or to the library that
// SC_REPRO_EMULATION_BACKEND names, such as an interposer). sc-repro's ffi
// binding loads one with --pcsc-library and SC_REPRO_FFI_LAYOUT=macos|windows.
// Built on demand with the system compiler; the sources live in
// test/fixtures/emulations, the objects in test/fixtures/build.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stale } from './interposers.js';

const run = promisify(execFile);

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export type EmulationKind = 'macos' | 'windows';

const SOURCES: Record<EmulationKind, string> = { macos: 'pcsc-framework', windows: 'winscard' };

/**
 * Compiles the emulation of `kind` if its source changed; returns the .so's
 * absolute path. Not linked to libpcsclite: it exports the same names, and
 * finds the real ones with dlopen + dlsym on its backend. Hidden visibility
 * and -Bsymbolic keep its own calls inside it; nodelete keeps the watchdog
 * thread's code mapped.
 */
export async function buildEmulation(kind: EmulationKind): Promise<string> {
  const name = SOURCES[kind];
  const source = join(FIXTURES, 'emulations', `${name}.c`);
  const output = join(FIXTURES, 'build', `${name}.so`);
  if (!stale(output, [source, join(FIXTURES, 'emulations', 'emulation.h')])) return output;
  mkdirSync(dirname(output), { recursive: true });
  // Written to a temporary name and renamed, so a concurrent test run never loads a half-written file.
  const partial = `${output}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await run('cc', [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-Wextra',
      '-fvisibility=hidden',
      '-Wl,-Bsymbolic',
      '-Wl,-z,nodelete',
      '-o',
      partial,
      source,
      '-ldl',
      '-lpthread',
    ]);
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`failed to build the ${kind} emulation: ${stderr || String(error)}`);
  }
  renameSync(partial, output);
  return output;
}
