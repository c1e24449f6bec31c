import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const versions = new Map<string, string | null>();

function read(path: string | URL): string | null {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The version of an installed package, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  if (!versions.has(name)) versions.set(name, findPackageJson(name));
  return versions.get(name) ?? null;
}

/** Some packages do not export their package.json: walk up from their entry to it. */
function findPackageJson(name: string): string | null {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(name));
  } catch {
    return null; // Not installed (pcsclite is optional).
  }
  for (; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? null;
    } catch {
      // No package.json at this level.
    }
    if (dirname(dir) === dir) return null;
  }
}

/** What the build defines as sc-repro's version (scripts/build.ts); undefined when run from the sources. */
declare const SC_REPRO_BUILT_VERSION: string | undefined;

/** sc-repro's own version: the one built in, else its package.json's (a read costs every start ~0.3 ms). */
export function scReproVersion(): string {
  if (typeof SC_REPRO_BUILT_VERSION === 'string') return SC_REPRO_BUILT_VERSION;
  if (!versions.has('sc-repro')) versions.set('sc-repro', read(new URL('../../package.json', import.meta.url)));
  return versions.get('sc-repro') ?? '0.0.0';
}
