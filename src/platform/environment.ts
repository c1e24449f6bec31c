// The environment of a bug report: what the PC/SC maintainers ask for first.
// Each probe is best effort: a fact the platform does not expose is null, and
// `unavailable` says why. Nothing here talks PC/SC: whether the service
// answered is the caller's to say.
import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import os from 'node:os';
import { scReproVersion } from '../core/version.js';
import { packageVersion } from './packages.js';

export interface Environment {
  os: string;
  osVersion: string;
  /** macOS's build (sw_vers), Windows' build number, Linux's kernel build string. */
  osBuild: string | null;
  platform: string;
  arch: string;
  node: string;
  scRepro: string;
  /** How sc-repro reached PC/SC: set once a run knows it. */
  binding: BindingFacts | null;
  /** The service's own version text (pcscd --version in full, with its features), only when the service answered. */
  pcscService: string | null;
  /** The PC/SC client library the process loaded, with its version where the system says it. */
  pcscClient: string | null;
  /** How to get the service's debug log on this OS. */
  debugLog: string;
  /** Why a fact above (or `reader.driver`) is null. */
  unavailable: Record<string, string>;
}

/** The binding of the orchestrating process, and the one each role process reported. */
export interface BindingFacts {
  name: string;
  version: string | null;
  library: string;
  /** The platform interface the library was called with (pcsclite, macos, windows). */
  layout: string;
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

/** NAME and VERSION, not PRETTY_NAME, which holds the version too ("Debian GNU/Linux 12 (bookworm)"); rolling releases have no version. */
export function linuxRelease(fields: Record<string, string>, kernel: string): Pick<Environment, 'os' | 'osVersion'> {
  const version = fields.VERSION ?? fields.VERSION_ID;
  return { os: fields.NAME ?? 'Linux', osVersion: `${version ? `${version}, ` : ''}kernel ${kernel}` };
}

async function osFacts(): Promise<Pick<Environment, 'os' | 'osVersion' | 'osBuild'>> {
  if (process.platform === 'darwin') {
    const [name, version, build] = await Promise.all([
      run('sw_vers', ['-productName']),
      run('sw_vers', ['-productVersion']),
      run('sw_vers', ['-buildVersion']),
    ]);
    return { os: name ?? 'macOS', osVersion: version ?? os.release(), osBuild: build };
  }
  if (process.platform === 'linux') {
    const fields = parseOsRelease(await readFile('/etc/os-release', 'utf8').catch(() => ''));
    return { ...linuxRelease(fields, os.release()), osBuild: os.version() || null };
  }
  // os.version() gives e.g. "Windows 11 Pro"; os.release() "10.0.22631", whose last part is the build.
  return { os: os.version(), osVersion: os.release(), osBuild: os.release().split('.').at(-1) ?? null };
}

/** `pcscd --version` without its copyright and bug-report lines: the version, the enabled features, the limits. */
export function parsePcscdVersion(text: string | null): string | null {
  if (!text || !/pcsc-lite version/.test(text)) return null;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(Copyright|Report bugs)/.test(line))
    .join('\n');
}

/** A value of an XML property list, for the few keys read here. */
export function plistValue(xml: string, key: string): string | null {
  const match = new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml);
  return match ? match[1]!.trim() : null;
}

const MAC_PCSC_PLIST = '/System/Library/Frameworks/PCSC.framework/Versions/A/Resources/Info.plist';

let macFramework: Promise<string | null> | undefined;

/** The framework's version: both the service and the client facts on macOS, read once. */
function macPcscFramework(): Promise<string | null> {
  macFramework ??= readFile(MAC_PCSC_PLIST, 'utf8').then(
    (xml) => {
      const version = plistValue(xml, 'CFBundleShortVersionString') ?? plistValue(xml, 'CFBundleVersion');
      return version ? `PCSC.framework ${version}` : null;
    },
    () => null,
  );
  return macFramework;
}

async function serviceText(): Promise<string | null> {
  if (process.platform === 'darwin') {
    const framework = await macPcscFramework();
    return framework && `${framework} (CryptoTokenKit's com.apple.ctkpcscd)`;
  }
  if (process.platform === 'win32') {
    const state = /STATE\s*:\s*\d+\s+(\w+)/.exec((await run('sc', ['query', 'SCardSvr'])) ?? '')?.[1];
    return state ? `Smart Card service (SCardSvr): ${state}` : null;
  }
  return parsePcscdVersion(await run('pcscd', ['--version']));
}

/** The client library: the distribution's package and version where it says, else the file the library name resolves to. */
async function clientText(library: string | null): Promise<string | null> {
  if (process.platform === 'darwin') return macPcscFramework();
  if (process.platform !== 'linux') return null;
  const packaged = (await packageVersion('libpcsclite1')) ?? (await packageVersion('pcsc-lite-libs'));
  if (packaged) return packaged;
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib']) {
    const file = await realpath(`${dir}/${library ?? 'libpcsclite.so.1'}`).catch(() => null);
    if (file) return file;
  }
  return null;
}

/** How to capture what the service itself saw, per OS. */
export function debugLogHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') {
    return 'turn on smart-card logging with `sudo defaults write /Library/Preferences/com.apple.security.smartcard Logging -bool yes`, reconnect the reader, re-run, then collect the log with Console.app or `log show --last 5m --predicate \'subsystem CONTAINS "smartcard"\'` (the setting turns itself off when the reader is unplugged)';
  }
  if (platform === 'win32') {
    return 'Event Viewer, Applications and Services Logs > Microsoft > Windows > SmartCard-*: enable the Operational logs, re-run, and export them';
  }
  return 'stop the system service (`sudo systemctl stop pcscd.socket pcscd.service`), run `sudo pcscd --foreground --debug --apdu 2>&1 | tee pcscd.log` in another terminal, re-run, then stop it with Ctrl-C and start the service again (`sudo systemctl start pcscd.socket`)';
}

export interface EnvironmentProbe {
  /** Whether the PC/SC service answered this run: its version is asked for and reported only then. */
  serviceAnswered: boolean;
  /** The client library the binding loaded (a file name), when known. */
  library?: string | null;
}

export async function collectEnvironment(probe: EnvironmentProbe): Promise<Environment> {
  const answered = probe.serviceAnswered;
  const [osInfo, service, client] = await Promise.all([osFacts(), answered ? serviceText() : null, clientText(probe.library ?? null)]);
  const unavailable: Record<string, string> = {};
  if (!osInfo.osBuild) unavailable.osBuild = 'the OS did not say';
  // A socket set by hand is the first thing to know about a service that did not answer.
  const socket = process.env.PCSCLITE_CSOCK_NAME;
  if (!answered) unavailable.pcscService = `the PC/SC service did not answer${socket ? ` (at PCSCLITE_CSOCK_NAME=${socket})` : ''}`;
  else if (!service)
    unavailable.pcscService =
      process.platform === 'linux' ? '`pcscd --version` gave no version (pcscd not on PATH?)' : 'the service did not say its version';
  if (!client)
    unavailable.pcscClient =
      process.platform === 'win32'
        ? "winscard.dll's version needs a file-version query sc-repro does not make"
        : 'no package or library file found';
  return {
    ...osInfo,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    scRepro: scReproVersion(),
    binding: null,
    pcscService: service,
    pcscClient: client,
    debugLog: debugLogHint(),
    unavailable,
  };
}
