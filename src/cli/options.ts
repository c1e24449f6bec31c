// Option values are validated here, before any PC/SC work, so that bad input
// always ends in a one-line UsageError (exit 64).
import { closeSync, constants, existsSync, fstatSync, openSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { OutputTarget } from '../commands/report-output.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';

/** Longest accepted duration: one day. Larger values are typos, and timers overflow past ~24.8 days. */
export const MAX_SECONDS = 86_400;

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Seconds as a plain decimal, greater than 0 (at least `min`, when given) and
 * at most a day. Every refusal names that range: `1e9` is a number the user
 * meant, and told only "expects a number" they cannot tell what would do.
 */
export function parseSeconds(flag: string, value: string, min?: number): number {
  const text = value.trim();
  const range = `${min === undefined ? 'greater than 0' : `at least ${min}`} and at most ${MAX_SECONDS} seconds`;
  const seconds = Number(text);
  const inRange = seconds > 0 && seconds <= MAX_SECONDS && (min === undefined || seconds >= min);
  if (text !== '' && Number.isFinite(seconds) && !inRange) throw new UsageError(`${flag} must be ${range}, got '${value}'`);
  if (!PLAIN_DECIMAL.test(text)) throw new UsageError(`${flag} expects a number of seconds such as 10 or 0.5, ${range}, got '${value}'`);
  return seconds;
}

/** Seconds, at least `min`: a bound that makes no sense below it (--blocked-after). */
export function parseSecondsAtLeast(flag: string, value: string, min: number): number {
  return parseSeconds(flag, value, min);
}

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const normalised = value.trim().toLowerCase();
  const match = choices.find((choice) => choice === normalised);
  if (!match) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  return match;
}

export function parseCount(flag: string, value: string, max = 100_000): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`${flag} expects a whole number from 1 to ${max}, got '${value}'`);
  }
  return Number(value);
}

export function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65_535) {
    throw new UsageError(`${flag} expects a TCP port from 1 to 65535, got '${value}'`);
  }
  return port;
}

/** `--reader` takes an index into the reader list or a case-insensitive part of a name. */
export function parseReaderSelector(value: string): ReaderSelector {
  const text = value.trim();
  if (text === '') throw new UsageError(`--reader expects a reader index or part of a reader name, got an empty value`);
  return /^\d+$/.test(text) ? { index: Number(text) } : { name: text };
}

/** KEY=VALUE pairs, for environments passed to one child process. */
export function parseEnvAssignment(flag: string, value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new UsageError(`${flag} expects KEY=VALUE, got '${value}'`);
  return { ...previous, [match[1]!]: match[2]! };
}

/**
 * Opens for writing without ever waiting: a FIFO that nobody reads fails at
 * once (ENXIO) instead of blocking until someone does. Windows has no
 * O_NONBLOCK, and no FIFO in its file system either.
 */
const OPEN_NEVER_WAITING = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NONBLOCK ?? 0);

/**
 * Checked before the run, so a bad path fails in a second, not after the run.
 * Opening the file is the only check that holds for every cause (permissions,
 * read-only or virtual file systems, root's exemption from access checks); a
 * file that was not there before is removed again. A pipe or a device stays
 * open for the report: closing it would end what its reader reads, and
 * opening it again could wait for a reader that is gone.
 */
export function parseOutputPath(value: string): OutputTarget {
  if (value.trim() === '') throw new UsageError('--output expects a file name, got an empty value');
  const path = resolve(value);
  const folder = dirname(path);
  const code = (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : String(error));
  let existed: boolean;
  let fd: number;
  try {
    const found = statSync(path, { throwIfNoEntry: false });
    if (found?.isDirectory()) throw new UsageError(`--output ${value} is a folder; give a file name`);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--output ${value}: the folder ${folder} does not exist`);
    existed = existsSync(path);
    try {
      fd = openSync(path, OPEN_NEVER_WAITING);
    } catch (error) {
      if (code(error) === 'ENXIO' && found?.isFIFO())
        throw new UsageError(`--output ${value}: nobody reads this pipe; start its reader first`);
      throw error;
    }
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`--output ${value}: cannot write there (${code(error)})`);
  }
  if (!fstatSync(fd).isFile()) return { path, fd };
  closeSync(fd);
  if (!existed) rmSync(path, { force: true });
  return { path };
}

/**
 * Every --output of the command line, in order, each checked as
 * parseOutputPath checks it. Two that name the same file (by another path, a
 * link, or as the same pipe) are bad usage: one report would overwrite the
 * other.
 */
export function parseOutputPaths(value: string, previous: readonly OutputTarget[] = []): OutputTarget[] {
  if (value.trim() !== '') {
    const identity = fileIdentity(resolve(value));
    if (previous.some((target) => fileIdentity(target.path) === identity)) {
      throw new UsageError(`--output ${value} names the same file as an earlier --output; give each report a file of its own`);
    }
  }
  return [...previous, parseOutputPath(value)];
}

/** What a path leads to: the file itself when it exists (device and inode), else its real folder and its name. */
function fileIdentity(path: string): string {
  try {
    const found = statSync(path, { bigint: true, throwIfNoEntry: false });
    // Some file systems report no inode (0): their files are told apart by name.
    if (found && found.ino !== 0n) return `file ${found.dev}:${found.ino}`;
    return `name ${join(realpathSync(dirname(path)), basename(path))}`;
  } catch {
    return `name ${path}`;
  }
}

/**
 * One of `ids`, by exact id. Too many to list in one line: a miss names the
 * closest ids (a typo, or a part of an id) and where the full list is.
 */
export function parseId<T extends { id: string }>(flag: string, value: string, items: readonly T[], listCommand: string): T {
  const wanted = value.trim().toLowerCase();
  const found = items.find((item) => item.id === wanted);
  if (found) return found;
  const close = closestIds(
    wanted,
    items.map((item) => item.id),
  );
  const suggestion = close.length ? `did you mean ${close.join(', ')}? ` : '';
  throw new UsageError(`${flag}: no scenario '${value}'; ${suggestion}\`${listCommand}\` lists all ${items.length}`);
}

/** Ids that contain `wanted`, else those within a few edits of it; at most three. */
export function closestIds(wanted: string, ids: readonly string[]): string[] {
  if (!wanted) return [];
  const containing = ids.filter((id) => id.includes(wanted));
  if (containing.length) return containing.slice(0, 3);
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return ids
    .map((id) => ({ id, distance: editDistance(wanted, id) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ id }) => id);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
