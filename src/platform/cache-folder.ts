// Where sc-repro keeps what it may reuse from one run to the next: V8's code
// caches of its bundles (src/cli/code-cache.ts) and facts that cost a process
// to learn (fact-cache.ts). Whatever is kept there is trusted as this user's
// own, so the folder is one only this user can have written.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `.cache` in `dist`, when the package's folder is writable (a clone, a user's
 * own install); else one of this user's in the temporary folder; null when
 * neither can be had.
 */
export function cacheFolder(dist: string): string | null {
  const beside = join(dist, '.cache');
  try {
    mkdirSync(beside, { recursive: true });
    accessSync(beside, constants.W_OK);
    return beside;
  } catch {}
  // A shared temporary folder (POSIX /tmp): the folder is this user's own, or it is not used, as a cache planted by
  // another user would run as this one.
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const own = join(tmpdir(), `sc-repro-cache${uid === null ? '' : `-${uid}`}`);
  try {
    mkdirSync(own, { recursive: true, mode: 0o700 });
    const stat = statSync(own);
    if (uid !== null && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return null;
    return own;
  } catch {
    return null;
  }
}

/** The 32-bit FNV-1a hash of `text`, in hex: names files after what they hold, without loading node:crypto. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
