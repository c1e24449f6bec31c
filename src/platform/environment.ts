// The environment table of a bug report: which OS, which PC/SC service, which
// versions. Each probe is best effort: a missing tool gives null, never an error.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { scReproVersion } from '../core/version.js';

export interface Environment {
  os: string;
  osVersion: string;
  platform: string;
  arch: string;
  node: string;
  scRepro: string;
  /** How sc-repro reached PC/SC: set once a run knows it. */
  binding: BindingFacts | null;
  pcscService: string | null;
}

/** The binding of the orchestrating process, and the one each role process reported. */
export interface BindingFacts {
  name: string;
  version: string | null;
  library: string;
  roles: { holder: string | null; contender: string | null };
}

function run(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 2000, windowsHide: true }, (error, stdout, stderr) =>
      resolve(error && !stdout ? null : `${stdout}${stderr}`.trim() || null),
    );
  });
}

/** Parses /etc/os-release's KEY="value" lines. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

async function osNameAndVersion(): Promise<{ os: string; osVersion: string }> {
  if (process.platform === 'darwin') {
    const name = (await run('sw_vers', ['-productName'])) ?? 'macOS';
    const version = (await run('sw_vers', ['-productVersion'])) ?? os.release();
    const build = await run('sw_vers', ['-buildVersion']);
    return { os: name, osVersion: build ? `${version} (${build})` : version };
  }
  if (process.platform === 'linux') {
    const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
    const fields = parseOsRelease(text);
    return { os: fields.PRETTY_NAME ?? fields.NAME ?? 'Linux', osVersion: `${fields.VERSION_ID ?? '?'} (kernel ${os.release()})` };
  }
  // os.version() gives e.g. "Windows 10 Pro"; os.release() the build number.
  return { os: os.version(), osVersion: os.release() };
}

/** "pcsc-lite version 1.9.9." → "pcsc-lite 1.9.9" */
export function parsePcscdVersion(text: string | null): string | null {
  const match = text && /pcsc-lite version ([\w.]+?)\.?(\s|$)/.exec(text);
  return match ? `pcsc-lite ${match[1]}` : null;
}

async function pcscServiceVersion(): Promise<string | null> {
  if (process.platform === 'darwin') return 'CryptoTokenKit PC/SC (built in)';
  if (process.platform === 'win32') return 'Windows Smart Card service (SCardSvr)';
  return parsePcscdVersion(await run('pcscd', ['--version']));
}

export async function collectEnvironment(): Promise<Environment> {
  const [osInfo, pcscService] = await Promise.all([osNameAndVersion(), pcscServiceVersion()]);
  return {
    ...osInfo,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    scRepro: scReproVersion(),
    binding: null,
    pcscService,
  };
}
