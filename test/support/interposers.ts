// Shims that make pcsc-lite on Linux misbehave the way a given macOS release
// did, or the way a slow, failing or lying stack would, so the e2e tests can
// check what sc-repro reports. Each is loaded into one role with LD_PRELOAD,
// or as the whole PC/SC library of the ffi binding with --pcsc-library. Built on demand with the system compiler; the sources live in
// test/fixtures/interposers and the objects in test/fixtures/build.
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
  | 'reset-not-reported';

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Compiles the named interposer if its source changed; returns the .so's absolute path. */
export async function buildInterposer(name: InterposerName): Promise<string> {
  const source = join(FIXTURES, 'interposers', `${name}.c`);
  const outDir = join(FIXTURES, 'build');
  const output = join(outDir, `${name}.so`);

  const sourceTime = mtimeMs(source);
  if (sourceTime === undefined) throw new Error(`interposer source not found: ${source}`);
  const newest = Math.max(sourceTime, mtimeMs(join(FIXTURES, 'interposers', 'pcsc-real.h')) ?? 0);
  const outputTime = mtimeMs(output);
  if (outputTime !== undefined && outputTime >= newest) return output;

  mkdirSync(outDir, { recursive: true });
  // No shell: pkg-config's output is split here instead of by $(...).
  const { stdout: cflags } = await run('pkg-config', ['--cflags', 'libpcsclite']);
  // Linked to libpcsclite, an interposer is also a whole PC/SC library: the
  // ffi binding loads it with --pcsc-library, and finds every call it does
  // not wrap in libpcsclite behind it.
  const { stdout: libs } = await run('pkg-config', ['--libs', 'libpcsclite']);
  // Compile to a temporary name and rename, so a concurrent test run never
  // preloads a half-written library.
  const partial = `${output}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await run('cc', [
      '-shared', '-fPIC', '-O2', '-Wall',
      '-o', partial, source,
      ...cflags.trim().split(/\s+/).filter(Boolean),
      // Kept even though no symbol of it is used directly (the linker's --as-needed would drop it).
      '-Wl,--no-as-needed',
      ...libs.trim().split(/\s+/).filter(Boolean),
      '-ldl', '-lpthread',
    ]);
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`failed to build interposer ${name}: ${stderr || String(error)}`);
  }
  renameSync(partial, output);
  return output;
}
