// The architecture, read from the import graph of src/: dependencies point
// one way (cli, commands and render on top, core at the bottom), neither
// folders nor files form a cycle, a role process loads nothing of the CLI, and only pcsc/
// knows which PC/SC library runs. Every import counts: static, dynamic and
// type-only, since a type import is a dependency a reader follows too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Folder → the folders it may import. Everything may import core. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  platform: ['core'],
  'virtual-card': ['core'],
  comparison: ['core'],
  pcsc: ['core', 'platform'],
  scenarios: ['core', 'platform', 'pcsc'],
  roles: ['core', 'platform', 'pcsc', 'scenarios'],
  orchestrator: ['core', 'platform', 'pcsc', 'scenarios', 'roles'],
  render: ['core', 'platform', 'pcsc', 'scenarios', 'roles', 'orchestrator', 'comparison'],
  commands: ['core', 'platform', 'pcsc', 'scenarios', 'roles', 'orchestrator', 'virtual-card', 'comparison', 'render'],
  cli: ['core', 'platform', 'pcsc', 'scenarios', 'orchestrator', 'virtual-card', 'comparison', 'render', 'commands'],
};

/** The modules that are one PC/SC library or the other; everything else uses pcsc/binding (types) and pcsc/load-binding. */
const LIBRARY_MODULES = [
  'pcsc/pcsclite-adapter.ts',
  'pcsc/ffi-adapter.ts',
  'pcsc/ffi-library.ts',
  'pcsc/ffi-context.ts',
  'pcsc/ffi-connection.ts',
  'pcsc/ffi-third-party.ts',
  'pcsc/ffi-layouts.ts',
];
const NATIVE_PACKAGES = ['pcsclite', 'bindings', 'koffi'];
/**
 * koffi outside pcsc/, for a libc call that is no PC/SC: the built-in card's
 * TCP_QUICKACK. The test below checks that it names no PC/SC function.
 */
const NATIVE_NOT_PCSC = ['virtual-card/quick-ack.ts'];

// `import … from '…'`, `export … from '…'` (across lines), `import '…'`, `import('…')`, and require('…') of packages.
const SPECIFIERS = [
  /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
];

interface Module {
  file: string;
  folder: string;
  /** Other source files, relative to src/. */
  local: string[];
  /** Packages, by name. */
  packages: string[];
}

/** Module ids use `/` on every OS. */
const toPosix = (path: string) => path.split(sep).join('/');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [toPosix(relative(SRC, path))] : [];
  });
}

export function scan(file: string, text: string): Module {
  const local = new Set<string>();
  const packages = new Set<string>();
  // Comments may quote code; they are not imports.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const pattern of SPECIFIERS) {
    for (const [, specifier] of code.matchAll(pattern)) {
      if (specifier!.startsWith('.')) local.add(toPosix(relative(SRC, resolve(SRC, dirname(file), specifier!))).replace(/\.js$/, '.ts'));
      else if (!specifier!.startsWith('node:'))
        packages.add(
          specifier!
            .split('/')
            .slice(0, specifier!.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  }
  return { file, folder: file.split('/')[0]!, local: [...local], packages: [...packages] };
}

const modules = new Map(sourceFiles().map((file) => [file, scan(file, readFileSync(join(SRC, file), 'utf8'))]));

test('the scanner sees every kind of import', () => {
  const sample = scan(
    'cli/x.ts',
    [
      "import { a } from '../core/errors.js';",
      "import type {\n  B,\n  C,\n} from '../pcsc/binding.js';",
      "export type { D } from './d.js';",
      "const { e } = await import('../commands/e.js');",
      "import 'side-effect';",
      "// import { nothing } from '../render/comment.js';",
      "const koffi = createRequire(import.meta.url)('koffi');",
      "const lib = require('pcsclite');",
    ].join('\n'),
  );
  assert.deepEqual(sample.local.sort(), ['cli/d.ts', 'commands/e.ts', 'core/errors.ts', 'pcsc/binding.ts']);
  assert.deepEqual(sample.packages.sort(), ['pcsclite', 'side-effect']);
  // The real tree: the CLI reaches the commands through dynamic imports.
  assert.ok(modules.get('cli/run-commands.ts')!.local.includes('commands/repro.ts'));
  assert.ok(modules.size > 50, `only ${modules.size} modules found`);
});

test('every import points down the layers', () => {
  const upward: string[] = [];
  for (const module of modules.values()) {
    assert.ok(module.folder in MAY_IMPORT, `${module.file}: folder ${module.folder} has no place in the layers`);
    for (const target of module.local) {
      assert.ok(modules.has(target), `${module.file} imports ${target}, which does not exist`);
      const folder = target.split('/')[0]!;
      if (folder !== module.folder && !MAY_IMPORT[module.folder]!.includes(folder)) upward.push(`${module.file} → ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

/**
 * The cycles of a directed graph: one for each edge that closes a loop in a
 * depth-first walk, as `a → b → a`. A graph has a cycle exactly when such an
 * edge exists, so an empty list means none.
 */
export function cyclesIn(edges: ReadonlyMap<string, Iterable<string>>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string) => {
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.push([...path.slice(at), next].join(' → '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(node);
  };
  for (const node of [...edges.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

test('the cycle finder finds a cycle, however it is reached, and none where there is none', () => {
  const graph = (pairs: string) => {
    const edges = new Map<string, string[]>();
    for (const pair of pairs.split(' ')) {
      const [from, to] = pair.split('>') as [string, string];
      edges.set(from, [...(edges.get(from) ?? []), to]);
    }
    return edges;
  };
  // What pcsc/ was: the interface loads both adapters, and both import it back; one adapter imports the other.
  assert.deepEqual(cyclesIn(graph('binding>ffi binding>addon ffi>binding addon>binding addon>ffi')), [
    'binding → ffi → binding',
    'addon → binding → addon',
  ]);
  // A loop entered from outside it, and a module that imports itself.
  assert.deepEqual(cyclesIn(graph('a>b b>c c>d d>b')), ['b → c → d → b']);
  assert.deepEqual(cyclesIn(graph('a>a')), ['a → a']);
  // Two ways down to one module (a diamond) is no cycle.
  assert.deepEqual(cyclesIn(graph('top>left top>right left>bottom right>bottom')), []);
});

test('no cycle between folders', () => {
  const edges = new Map<string, Set<string>>();
  for (const module of modules.values()) {
    for (const target of module.local) {
      const folder = target.split('/')[0]!;
      if (folder !== module.folder) edges.set(module.folder, (edges.get(module.folder) ?? new Set()).add(folder));
    }
  }
  assert.deepEqual(cyclesIn(edges), []);
});

test('no cycle between files', () => {
  assert.deepEqual(cyclesIn(new Map([...modules].map(([file, module]) => [file, module.local]))), []);
});

/** Every module `entry` loads, itself included. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const target of modules.get(file)?.local ?? []) walk(target);
  };
  walk(entry);
  return seen;
}

test('a role process loads nothing of the CLI: no commander, chalk or ora, no cli/commands/render', () => {
  const loaded = closure('roles/entry.ts');
  const cliSide = [...loaded].filter((file) => ['cli', 'commands', 'render'].includes(file.split('/')[0]!));
  assert.deepEqual(cliSide, []);
  const packages = new Set([...loaded].flatMap((file) => modules.get(file)!.packages));
  for (const name of ['commander', 'chalk', 'ora']) assert.ok(!packages.has(name), `${name} is loaded by a role`);
});

test('only pcsc/ knows which PC/SC library runs', () => {
  for (const file of LIBRARY_MODULES) assert.ok(modules.has(file), `${file} is gone: the list is stale`);
  const outside: string[] = [];
  for (const module of modules.values()) {
    if (module.folder === 'pcsc') continue;
    for (const target of module.local) if (LIBRARY_MODULES.includes(target)) outside.push(`${module.file} → ${target}`);
    for (const name of module.packages)
      if (NATIVE_PACKAGES.includes(name) && !(name === 'koffi' && NATIVE_NOT_PCSC.includes(module.file)))
        outside.push(`${module.file} → ${name}`);
  }
  assert.deepEqual(outside, []);
  for (const file of NATIVE_NOT_PCSC) {
    assert.ok(modules.has(file), `${file} is gone: drop it from the exceptions`);
    assert.doesNotMatch(readFileSync(join(SRC, file), 'utf8'), /SCard|pcsclite|winscard|PCSC\.framework/, file);
  }
});
