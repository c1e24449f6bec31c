// Which distribution package installed a file, and its version, for the
// environment of a report. Debian's database is read directly: `dpkg -S`
// reads every package's file list (~80 ms of CPU), and each dpkg-query is a
// process. RPM systems ask rpm. Elsewhere, or when nothing says, null.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const DPKG = '/var/lib/dpkg';
/** Packages a PC/SC library or reader driver ships in: only their file lists are read. */
const PCSC_PACKAGES = /pcsc|ccid|ifd|vpcd|smartcard|scard|gempc|asedrive|cyberjack|reader/i;

let status: Promise<string | null> | undefined;

/** The `Version:` of a package dpkg's status file lists as installed. */
export function versionInStatus(text: string, name: string): string | null {
  const at = text.startsWith(`Package: ${name}\n`) ? 0 : text.indexOf(`\nPackage: ${name}\n`);
  if (at < 0) return null;
  const end = text.indexOf('\n\n', at + 1);
  const block = text.slice(at, end < 0 ? undefined : end);
  if (!/\nStatus: install ok installed\n/.test(block)) return null;
  return /\nVersion: (.+)/.exec(block)?.[1]?.trim() ?? null;
}

function rpmQuery(args: string[]): Promise<string | null> {
  return new Promise((resolve) =>
    execFile('rpm', args, { timeout: 2000 }, (error, stdout) => resolve(error ? null : stdout.trim() || null)),
  );
}

/** `name version` of an installed package. */
export async function packageVersion(name: string): Promise<string | null> {
  status ??= readFile(join(DPKG, 'status'), 'utf8').catch(() => null);
  const text = await status;
  if (text === null) return rpmQuery(['-q', name]);
  const version = versionInStatus(text, name);
  return version ? `${name} ${version}` : null;
}

/** `name version` of the package that installed `file`. */
export async function packageOf(file: string): Promise<string | null> {
  const lists = await readdir(join(DPKG, 'info')).catch(() => null);
  if (!lists) return rpmQuery(['-qf', file]);
  for (const list of lists.filter((name) => name.endsWith('.list') && PCSC_PACKAGES.test(name))) {
    const files = await readFile(join(DPKG, 'info', list), 'utf8').catch(() => '');
    if (files.split('\n').includes(file)) return packageVersion(list.slice(0, -'.list'.length).split(':')[0]!);
  }
  return null;
}
