// Builds dist/: one CommonJS bundle per process entry, the CLI and the role,
// and a small one the CLI's entry loads first, which starts the roles of
// `repro` and `matrix` before the rest of the CLI loads (src/cli/early-roles.ts).
// A process then loads one file instead of dozens of ES modules, and Node
// skips its ES module loader altogether: that is most of the start-up a
// process pays beyond Node itself (see docs/benchmarks.md). chalk, ora and
// commander are bundled in (commander so that the CLI's code cache covers it
// too); the native bindings load from node_modules.   npx tsx scripts/build.ts
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { shippedDigests } from '../src/scenarios/catalog.js';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/cli/start.ts', 'src/roles/entry.ts'],
  outdir: 'dist',
  outbase: 'src',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['pcsclite', 'koffi'],
  inject: ['scripts/build/import-meta-url.ts'],
  // The catalog's digests, so that a report need not load node:crypto (src/scenarios/catalog.ts), and the version.
  define: {
    'import.meta.url': 'importMetaUrl',
    SC_REPRO_BUILT_DIGESTS: JSON.stringify(JSON.stringify(shippedDigests())),
    SC_REPRO_BUILT_VERSION: JSON.stringify((JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version),
  },
  logLevel: 'warning',
});

// esbuild escapes non-ASCII text in strings (its default charset) but keeps some comments as written. One such character
// makes V8 hold the whole bundle as a two-byte string: twice the memory, and ~1.5 ms more to read it at every start.
for (const folder of ['cli', 'roles']) {
  for (const name of readdirSync(`${root}/dist/${folder}`)) {
    const text = readFileSync(`${root}/dist/${folder}/${name}`);
    if (isAscii(text)) continue;
    const line =
      text
        .toString('utf8')
        .split('\n')
        .findIndex((row) => /[^\x00-\x7f]/.test(row)) + 1;
    throw new Error(`dist/${folder}/${name}:${line} is not ASCII (a comment esbuild kept?): write it in ASCII`);
  }
}

// The CLI's bundle is loaded through vm.Script with a code cache (src/cli/code-cache.ts), as the function CommonJS
// would make of it: written here as that function, the loader compiles the file's text as it is read.
const main = `${root}/dist/cli/main.cjs`;
writeFileSync(main, `(function (exports, require, module, __filename, __dirname) {${readFileSync(main, 'latin1')}\n})`, 'latin1');
