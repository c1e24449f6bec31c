// Shims that make pcsc-lite on Linux misbehave the way a given macOS release
// did, or the way a slow, failing or lying stack would, so the e2e tests can
// check what sc-repro reports. Each is loaded into one role with LD_PRELOAD,
// or as the whole PC/SC library of the ffi binding with --pcsc-library. Also
// the foreign client: another PC/SC process on the reader. Built on demand
// with the system compiler; the sources live in test/fixtures/interposers and
// test/fixtures/clients, the objects in test/fixtures/build.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export type InterposerName =
  | 'el-capitan-proto-mismatch'
  | 'shared-connect-blocks'
  | 'crash-in-call'
  | 'slow-connect'
  | 'reverse-reader-list'
  | 'disconnect-fails'
  | 'hide-held-state'
  | 'begin-transaction-reset-for-removed'
  | 'reset-not-reported'
  | 'slow-when-held';

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether `output` is missing or older than any of `sources`. */
export function stale(output: string, sources: string[]): boolean {
  const times = sources.map((source) => {
    const time = mtimeMs(source);
    if (time === undefined) throw new Error(`fixture source not found: ${source}`);
    return time;
  });
  const outputTime = mtimeMs(output);
  return outputTime === undefined || outputTime < Math.max(...times);
}

/**
 * Compiles `source` with the system compiler against libpcsclite, to a
 * temporary name and then renamed, so a concurrent test run never loads a
 * half-written file.
 */
async function compile(what: string, source: string, output: string, flags: string[]): Promise<void> {
  mkdirSync(dirname(output), { recursive: true });
  // No shell: pkg-config's output is split here instead of by $(...).
  const { stdout: cflags } = await run('pkg-config', ['--cflags', 'libpcsclite']);
  const { stdout: libs } = await run('pkg-config', ['--libs', 'libpcsclite']);
  const partial = `${output}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await run('cc', [
      ...flags,
      '-O2',
      '-Wall',
      '-o',
      partial,
      source,
      ...cflags.trim().split(/\s+/).filter(Boolean),
      // Kept even though no symbol of it may be used directly (the linker's --as-needed would drop it).
      '-Wl,--no-as-needed',
      ...libs.trim().split(/\s+/).filter(Boolean),
      '-ldl',
      '-lpthread',
    ]);
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`failed to build ${what}: ${stderr || String(error)}`);
  }
  renameSync(partial, output);
}

/** Compiles the named interposer if its source changed; returns the .so's absolute path. */
export async function buildInterposer(name: InterposerName): Promise<string> {
  const source = join(FIXTURES, 'interposers', `${name}.c`);
  const output = join(FIXTURES, 'build', `${name}.so`);
  // Linked to libpcsclite, an interposer is also a whole PC/SC library: the
  // ffi binding loads it with --pcsc-library, and finds every call it does
  // not wrap in libpcsclite behind it.
  if (stale(output, [source, join(FIXTURES, 'interposers', 'pcsc-real.h')]))
    await compile(`interposer ${name}`, source, output, ['-shared', '-fPIC']);
  return output;
}

/**
 * Compiles the foreign PC/SC client (test/fixtures/clients/foreign-client.c:
 * another process on the reader, neither holder nor contender) if its source
 * changed; returns the executable's absolute path.
 */
export async function buildForeignClient(): Promise<string> {
  const source = join(FIXTURES, 'clients', 'foreign-client.c');
  const output = join(FIXTURES, 'build', 'foreign-client');
  if (stale(output, [source])) await compile('the foreign client', source, output, []);
  return output;
}
