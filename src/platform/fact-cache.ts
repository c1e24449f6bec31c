// Facts that cost a process to learn and cannot change while what they are
// about stays the same file: pcscd's `--version` for one executable, the dpkg
// package that owns a file for one dpkg status file. Each is kept under a key
// naming that file's identity (device, inode, size, times), which a rebuild,
// an upgrade or a copy over it changes. Best-effort: a fact that cannot be
// read or written is learnt again, never a failure.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheFolder, fnv1a } from './cache-folder.js';

// dist/, from the bundle and from the sources alike (both sit two folders below the package root).
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

let defaultFolder: string | null | undefined;
const ownFolder = () => {
  if (defaultFolder === undefined) defaultFolder = cacheFolder(DIST);
  return defaultFolder;
};

/** The value `learn` gives for `key`, as an earlier run learnt it under the same key if one did; a null is not kept. */
export async function cachedFact(
  key: string,
  learn: () => Promise<string | null>,
  folder: string | null = ownFolder(),
): Promise<string | null> {
  const file = folder && join(folder, `fact-${fnv1a(key)}.json`);
  if (file) {
    try {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; value?: unknown };
      // The file's name is a 32-bit hash: the key inside tells a collision apart.
      if (kept.key === key && typeof kept.value === 'string') return kept.value;
    } catch {}
  }
  const value = await learn();
  if (file && value !== null) {
    try {
      const temporary = `${file}.${process.pid}`;
      writeFileSync(temporary, JSON.stringify({ key, value }));
      renameSync(temporary, file);
    } catch {}
  }
  return value;
}
