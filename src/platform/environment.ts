// The environment of a bug report: what the PC/SC maintainers ask for first.
// Each probe is best effort: a fact the platform does not expose is null, and
// `unavailable` says why. Nothing here talks PC/SC: whether the service
// answered is the caller's to say.
import { release, version as kernelVersion } from 'node:os';
import { scReproVersion } from '../core/version.js';
import { readText } from './local-files.js';
import { runOsCommand as run } from './os-command.js';
import { pcscStackFacts, type ClientOrigin, type PcscStackFacts, type ServiceOrigin } from './pcsc-stack.js';

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
  /** Which service that is and where its version came from; absent from reports made before it was recorded. */
  pcscServiceOrigin?: ServiceOrigin | null;
  /** The PC/SC client library the run loaded, with its version where the system says it. */
  pcscClient: string | null;
  /** Which file that library is and where its version came from; absent from reports made before it was recorded. */
  pcscClientOrigin?: ClientOrigin | null;
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
    return { os: name ?? 'macOS', osVersion: version ?? release(), osBuild: build };
  }
  if (process.platform === 'linux') {
    const fields = parseOsRelease(readText('/etc/os-release') ?? '');
    return { ...linuxRelease(fields, release()), osBuild: kernelVersion() || null };
  }
  // os.version() gives e.g. "Windows 11 Pro"; os.release() "10.0.22631", whose last part is the build.
  return { os: kernelVersion(), osVersion: release(), osBuild: release().split('.').at(-1) ?? null };
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

/** An environment with the stack facts of another library (a role given its own --pcsc-library). */
export function withStackFacts(environment: Environment, stack: PcscStackFacts): Environment {
  const { pcscService: _service, pcscClient: _client, ...others } = environment.unavailable;
  const { unavailable, ...facts } = stack;
  return { ...environment, ...facts, unavailable: { ...others, ...unavailable } };
}

export interface EnvironmentProbe {
  /** Whether the PC/SC service answered this run: its version is asked for and reported only then. */
  serviceAnswered: boolean;
  /** The client library the binding loaded (BindingInfo.library: a name or a path), when known. */
  library?: string | null;
}

/** Everything but the PC/SC stack: what the OS and Node say, probed while a run starts. */
export async function osEnvironment(): Promise<Environment> {
  const osInfo = await osFacts();
  return {
    ...osInfo,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    scRepro: scReproVersion(),
    binding: null,
    pcscService: null,
    pcscServiceOrigin: null,
    pcscClient: null,
    pcscClientOrigin: null,
    debugLog: debugLogHint(),
    unavailable: osInfo.osBuild ? {} : { osBuild: 'the OS did not say' },
  };
}

export async function collectEnvironment(probe: EnvironmentProbe): Promise<Environment> {
  const [environment, stack] = await Promise.all([osEnvironment(), pcscStackFacts(probe.serviceAnswered, probe.library ?? null)]);
  return withStackFacts(environment, stack);
}
