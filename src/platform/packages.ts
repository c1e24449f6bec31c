// Which distribution package installed a file, and its version, for the
// environment of a report. Debian's database is read directly: `dpkg -S`
// reads every package's file list (~80 ms of CPU), and each dpkg-query is a
// process. RPM systems ask rpm. Elsewhere, or when nothing says, null.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { cachedFact } from './fact-cache.js';
import { fileIdentity, readText } from './local-files.js';

const DPKG = '/var/lib/dpkg';
/** Packages a PC/SC library or reader driver ships in, as dpkg's status file names them: only their file lists are read. */
const PCSC_PACKAGES = /^Package: (\S*(?:pcsc|ccid|ifd|vpcd|smartcard|scard|gempc|asedrive|cyberjack|reader)\S*)$/gim;

// Read once per process. latin1: the names and versions wanted are ASCII (Debian policy), and a one-byte string is read
// without decoding the whole file as UTF-8.
let status: string | null | undefined;

function dpkgStatus(): string | null {
  if (status === undefined) status = readText(join(DPKG, 'status'), 'latin1');
  return status;
}

/** A package's paragraph in dpkg's status file, if dpkg lists it as installed. */
function installedBlock(text: string, at: number): string | null {
  const end = text.indexOf('\n\n', at + 1);
  const block = text.slice(at, end < 0 ? undefined : end);
  return /\nStatus: install ok installed\n/.test(block) ? block : null;
}

/** The `Version:` of a package dpkg's status file lists as installed. */
export function versionInStatus(text: string, name: string): string | null {
  const at = text.startsWith(`Package: ${name}\n`) ? 0 : text.indexOf(`\nPackage: ${name}\n`);
  const block = at < 0 ? null : installedBlock(text, at);
  return (block && /\nVersion: (.+)/.exec(block)?.[1]?.trim()) ?? null;
}

/**
 * The installed PC/SC packages of dpkg's status file, each with the names its file list may have in dpkg's info
 * folder (`name:arch.list` for a Multi-Arch: same package, else `name.list`). Taken from the status file, which the
 * versions need anyway: listing the info folder (thousands of files) cost more than the rest of the lookup.
 */
export function pcscPackagesInStatus(text: string): { name: string; lists: string[] }[] {
  const found: { name: string; lists: string[] }[] = [];
  for (const match of text.matchAll(PCSC_PACKAGES)) {
    const name = match[1]!;
    const block = installedBlock(text, match.index);
    if (!block) continue;
    const arch = /\nArchitecture: (\S+)/.exec(block)?.[1];
    found.push({ name, lists: arch ? [`${name}:${arch}.list`, `${name}.list`] : [`${name}.list`] });
  }
  return found;
}

function rpmQuery(args: string[]): Promise<string | null> {
  return new Promise((resolve) =>
    execFile('rpm', args, { timeout: 2000 }, (error, stdout) => resolve(error ? null : stdout.trim() || null)),
  );
}

/** `name version` of an installed package. */
export async function packageVersion(name: string): Promise<string | null> {
  const text = dpkgStatus();
  if (text === null) return rpmQuery(['-q', name]);
  const version = versionInStatus(text, name);
  return version ? `${name} ${version}` : null;
}

/**
 * `name version` of the package that installed `file`. On Debian the answer is kept (fact-cache.ts) for as long as
 * dpkg's status file stays the same file: dpkg rewrites it with every change to what is installed.
 */
export async function packageOf(file: string): Promise<string | null> {
  const database = fileIdentity(join(DPKG, 'status'));
  if (database === null) return rpmQuery(['-qf', file]);
  return cachedFact(`dpkg package of ${file} with status ${database}`, () => ownerInStatus(file));
}

async function ownerInStatus(file: string): Promise<string | null> {
  const text = dpkgStatus();
  if (text === null) return null;
  for (const { name, lists } of pcscPackagesInStatus(text)) {
    const files = lists.map((list) => readText(join(DPKG, 'info', list))).find((read) => read !== null) ?? '';
    if (hasLine(files, file)) return packageVersion(name);
  }
  return null;
}

/** Whether `line` is a whole line of `text` (without splitting a file list of thousands of lines into as many strings). */
export function hasLine(text: string, line: string): boolean {
  for (let at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + 1)) {
    const end = at + line.length;
    if ((at === 0 || text[at - 1] === '\n') && (end === text.length || text[end] === '\n')) return true;
  }
  return false;
}
