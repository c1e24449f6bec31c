import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

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
  if (!versions.has(name)) {
    let path: string | null = null;
    try {
      path = createRequire(import.meta.url).resolve(`${name}/package.json`);
    } catch {
      // Not installed (pcsclite is optional on some machines).
    }
    versions.set(name, path && read(path));
  }
  return versions.get(name) ?? null;
}

/** sc-repro's own version, from its package.json. */
export function scReproVersion(): string {
  if (!versions.has('sc-repro')) versions.set('sc-repro', read(new URL('../../package.json', import.meta.url)));
  return versions.get('sc-repro') ?? '0.0.0';
}
