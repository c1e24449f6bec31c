// Builds dist/: one CommonJS bundle per process entry, the CLI and the role,
// and a small one the CLI's entry loads first, which starts the roles of
// `repro` and `matrix` before the rest of the CLI loads (src/cli/early-roles.ts).
// A process then loads one file instead of dozens of ES modules, and Node
// skips its ES module loader altogether: that is most of the start-up a
// process pays beyond Node itself (see docs/benchmarks.md). chalk, ora and
// commander are bundled in (commander so that the CLI's code cache covers it
// too); the native bindings load from node_modules.   npx tsx scripts/build.ts
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/cli/early-roles.ts', 'src/roles/entry.ts'],
  outdir: 'dist',
  outbase: 'src',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['pcsclite', 'koffi'],
  inject: ['scripts/build/import-meta-url.ts'],
  define: { 'import.meta.url': 'importMetaUrl' },
  logLevel: 'warning',
});
