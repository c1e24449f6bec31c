// Reads of small local files and of /proc for the environment's facts: each a
// fact or null, never an error. Synchronous on purpose: the probes run in the
// CLI while the roles act, and fs/promises costs about twice the CPU of a
// synchronous read (chunked reads and decoding), plus its own loading: on the
// way to the start-up target that was ~8 ms per run (docs/benchmarks.md). The
// largest file read is dpkg's status (well under a MB, a millisecond or two).
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';

function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** The file's text; `latin1` for files whose wanted parts are ASCII, read without decoding UTF-8. */
export const readText = (file: string, encoding: 'utf8' | 'latin1' = 'utf8'): string | null => orNull(() => readFileSync(file, encoding));

export const entriesOf = (dir: string): string[] | null => orNull(() => readdirSync(dir));

export const linkTarget = (link: string): string | null => orNull(() => readlinkSync(link));

export const realPath = (file: string): string | null => orNull(() => realpathSync(file));

/** What a rewrite of the file changes: its device, inode, size and times (links followed). */
export const fileIdentity = (file: string): string | null =>
  orNull(() => {
    const stat = statSync(file, { bigint: true });
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  });
