// Loads the CLI's bundle with a V8 code cache, so a process does not compile
// the same 600 KB of JavaScript at every start: through vm.Script with the
// cache V8 made of it last time (Node 20 has no module.enableCompileCache,
// and the bundle is written as CommonJS's module function, which only this
// loader runs: scripts/build.ts). The cache is made at exit, after a run
// that went to its end, so it holds the functions the run compiled too.
// Everything here is best-effort: a cache that cannot be read, is rejected by
// V8 (another Node.js, other flags) or cannot be written means one compile as
// before, never a failure. It is part of the entry's small bundle
// (start.ts): a file of its own would cost a process a millisecond or two to
// load.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { EXIT } from '../core/exit-codes.js';
import { cacheFolder, fnv1a } from '../platform/cache-folder.js';

/** What the module loader offers beside its typed interface. */
const Loader = Module as unknown as {
  _nodeModulePaths(from: string): string[];
  new (id: string): NodeJS.Module & { paths: string[]; loaded: boolean };
};

/** The exports of the CLI's bundle at `bundle` (an absolute path in dist/). */
export function requireCached(bundle: string): unknown {
  // The build wrote it as CommonJS's function expression, in ASCII (scripts/build.ts): compiled as it is read, with no
  // second copy of 600 KB made by wrapping it here, and read without decoding UTF-8.
  const source = readFileSync(bundle, 'latin1');
  const folder = cacheFolder(dirname(dirname(bundle)));
  // V8 checks the cache against the source's length, not its text: the name carries the file's identity (size and time
  // of writing: a build writes it anew), and the runtime's. Hashing the text would cost more than a millisecond, and
  // node:crypto alone costs a few to load. The flags are hashed only to keep the name short: V8 itself rejects a cache
  // made under other flags.
  const { size, mtimeMs } = statSync(bundle);
  const key = `${size}-${Math.round(mtimeMs * 1000)}-${process.version}-${process.arch}-${fnv1a(process.execArgv.join(' '))}`;
  // One cache per command: the cache holds what the run that made it compiled, and commands run different code.
  const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const file = folder && join(folder, `${basename(bundle)}-${command}-${key}.bin`);
  let cachedData: Buffer | undefined;
  try {
    if (file) cachedData = readFileSync(file);
  } catch {}
  const script = new Script(source, { filename: bundle, cachedData });
  if (file && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      // A command that stopped early (a usage error, no service) compiled only part of what its runs do, and the cache
      // it made would stay for this build: a later run would compile the rest at every start. Its verdict, or success.
      if (code !== EXIT.ok && code !== EXIT.failed) return;
      try {
        const temporary = `${file}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, file);
      } catch {}
    });
  }
  const bundleModule = new Loader(bundle);
  bundleModule.filename = bundle;
  bundleModule.paths = Loader._nodeModulePaths(dirname(bundle));
  script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));
  bundleModule.loaded = true;
  return bundleModule.exports;
}
