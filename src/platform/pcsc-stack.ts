// The PC/SC stack that answered a run: the client library the binding loaded
// and the service behind the socket that library connects to, each with where
// its version came from. A fact that cannot be known is null with a reason,
// never the version of another copy installed system-wide.
import { basename, dirname, join, resolve } from 'node:path';
import { cachedFact } from './fact-cache.js';
import { entriesOf, fileIdentity, linkTarget, readText as read, realPath } from './local-files.js';
import { runOsCommand as run } from './os-command.js';
import { packageOf } from './packages.js';
import { plistValue } from './plist.js';

/**
 * The service that answered. On Linux it is the pcscd behind the socket the
 * client library used, found by the pid file pcscd writes beside its socket
 * (both are PCSCLITE_IPC_DIR's, pcscd.h.in), or else by the process that holds
 * that socket; its version is that executable's `--version`, not the one on
 * PATH. On macOS and Windows the service is part of the OS, named by the OS's
 * version and, on macOS, PCSC.framework's.
 */
export interface ServiceOrigin {
  foundBy: 'pid-file' | 'socket-owner' | 'os';
  /** The socket the client library connects to (PCSCLITE_CSOCK_NAME, else pcsc-lite's default). */
  socket: string | null;
  pid: number | null;
  /** The daemon's executable, as the kernel names it (/proc/<pid>/exe). */
  executable: string | null;
  /** What the version text was read from. */
  versionFrom: string;
}

/** The client library the run loaded: the name or path the binding was given, the file it resolved to, and what says its version. */
export interface ClientOrigin {
  library: string | null;
  path: string | null;
  versionFrom: 'package' | 'pkg-config' | 'os' | null;
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

const MAC_PCSC_PLIST = '/System/Library/Frameworks/PCSC.framework/Versions/A/Resources/Info.plist';

let macFramework: Promise<string | null> | undefined;

/** The framework's version: both the service and the client facts on macOS, read once. */
function macPcscFramework(): Promise<string | null> {
  macFramework ??= Promise.resolve(read(MAC_PCSC_PLIST)).then((xml) => {
    const version = xml && (plistValue(xml, 'CFBundleShortVersionString') ?? plistValue(xml, 'CFBundleVersion'));
    return version ? `PCSC.framework ${version}` : null;
  });
  return macFramework;
}

/**
 * Where pcsc-lite's client library connects when PCSCLITE_CSOCK_NAME is not
 * set. A library built with another ipcdir connects elsewhere; compilers
 * store that path as immediates, not as a string that could be read back.
 */
export const DEFAULT_PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** The pid a pcscd.pid file holds ("1234\n", then a NUL: pcscd writes strlen + 1 bytes). */
export function parsePidFile(text: string): number | null {
  const match = /^\s*(\d+)\s*(\0|$)/.exec(text);
  const pid = match ? Number(match[1]) : 0;
  return pid > 0 ? pid : null;
}

/**
 * The inodes of the listening sockets bound to `path` in /proc/net/unix
 * ("Num RefCount Protocol Flags Type St Inode Path"; a listening socket has
 * the __SO_ACCEPTCON flag, 0x10000).
 */
export function listeningSocketInodes(procNetUnix: string, path: string): number[] {
  const inodes: number[] = [];
  for (const line of procNetUnix.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8 || fields.slice(7).join(' ') !== path) continue;
    if ((Number.parseInt(fields[3]!, 16) & 0x10000) === 0) continue;
    const inode = Number(fields[6]);
    if (Number.isInteger(inode) && inode > 0) inodes.push(inode);
  }
  return inodes;
}

/**
 * The executable a process was started as, from /proc/<pid>/cmdline (NUL-separated
 * arguments): an absolute path only, since a bare name would be looked up on
 * this process's PATH, not the daemon's.
 */
export function startedAs(cmdline: string): string | null {
  const first = cmdline.split('\0')[0] ?? '';
  return first.startsWith('/') ? first : null;
}

/** A pkg-config file's `Version:` (what `make install` or `meson install` of pcsc-lite writes beside the library). */
export function pkgConfigVersion(text: string): string | null {
  return /^Version:\s*(\S+)\s*$/m.exec(text)?.[1] ?? null;
}

const readText = (file: string) => read(file, 'latin1');

/** A running process that calls itself pcscd: /proc/<pid>/comm is readable whoever runs it. */
async function isPcscd(pid: number): Promise<boolean> {
  return /pcscd/.test((await readText(`/proc/${pid}/comm`)) ?? '');
}

/** The processes holding one of `inodes` open, read from /proc/<pid>/fd (all of them for root, the user's own otherwise). */
async function socketHolders(inodes: number[]): Promise<number[]> {
  const wanted = new Set(inodes.map((inode) => `socket:[${inode}]`));
  const pids = (entriesOf('/proc') ?? []).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const holders: number[] = [];
  for (const pid of pids) {
    const fds = entriesOf(`/proc/${pid}/fd`) ?? [];
    for (const fd of fds) {
      if (wanted.has(linkTarget(`/proc/${pid}/fd/${fd}`) ?? '')) {
        holders.push(pid);
        break;
      }
    }
  }
  return holders;
}

type Found<T> = { value: T; reason?: undefined } | { value: null; reason: string };

/** The pcscd that serves `socket`: the pid file beside it, else the process holding it (systemd holds an activated socket too: a pcscd is preferred). */
async function pcscdBehind(socket: string): Promise<Found<{ pid: number; foundBy: 'pid-file' | 'socket-owner' }>> {
  const pidFile = join(dirname(socket), 'pcscd.pid');
  const recorded = parsePidFile((await readText(pidFile)) ?? '');
  if (recorded !== null && (await isPcscd(recorded))) return { value: { pid: recorded, foundBy: 'pid-file' } };
  const inodes = listeningSocketInodes((await readText('/proc/net/unix')) ?? '', socket);
  const holders = inodes.length ? await socketHolders(inodes) : [];
  const named = [];
  for (const pid of holders) if (await isPcscd(pid)) named.push(pid);
  if (named.length === 1) return { value: { pid: named[0]!, foundBy: 'socket-owner' } };
  const pidFileSays = recorded === null ? `no pid in ${pidFile}` : `${pidFile} names pid ${recorded}, which is not a running pcscd`;
  const socketSays =
    named.length > 1
      ? `${named.length} pcscd processes hold it`
      : inodes.length
        ? 'no pcscd that sc-repro may look at holds it (another user’s processes need root)'
        : 'no process listens on it in this network namespace';
  return { value: null, reason: `no pcscd found behind ${socket}: ${pidFileSays}, and ${socketSays}` };
}

/**
 * `executable --version`, kept per executable file (fact-cache.ts): otherwise the one process a report's facts start,
 * some 6 ms of CPU at every run.
 */
async function versionOf(executable: string): Promise<string | null> {
  const identity = fileIdentity(executable);
  const ask = () => run(executable, ['--version']);
  return identity ? cachedFact(`pcscd --version of ${identity}`, ask) : ask();
}

/** The pcscd behind the client's socket, and that executable's own `pcscd --version`. */
async function linuxService(socket: string): Promise<Found<{ text: string; origin: ServiceOrigin }>> {
  const daemon = await pcscdBehind(socket);
  if (!daemon.value) return daemon;
  const { pid, foundBy } = daemon.value;
  const executable = linkTarget(`/proc/${pid}/exe`);
  if (executable) {
    // /proc/<pid>/exe runs the very file the daemon runs, even when a package upgrade replaced it on disk since.
    const text = parsePcscdVersion(await versionOf(`/proc/${pid}/exe`));
    if (!text) return { value: null, reason: `\`${executable} --version\` (pcscd pid ${pid}) gave no version` };
    return { value: { text, origin: { foundBy, socket, pid, executable, versionFrom: `/proc/${pid}/exe --version` } } };
  }
  // Another user's daemon (the system's, for anyone but root): /proc/<pid>/exe is closed, its command line is not.
  const started = startedAs((await readText(`/proc/${pid}/cmdline`)) ?? '');
  const text = started ? parsePcscdVersion(await versionOf(started)) : null;
  if (!started || !text)
    return {
      value: null,
      reason: `pcscd pid ${pid} serves ${socket}, but neither /proc/${pid}/exe (another user's process: root may read it) nor the path it was started as says its version`,
    };
  return {
    value: {
      text,
      origin: { foundBy, socket, pid, executable: started, versionFrom: `${started} --version (the path pid ${pid} was started as)` },
    },
  };
}

async function osService(): Promise<Found<{ text: string; origin: ServiceOrigin }>> {
  const origin = (versionFrom: string): ServiceOrigin => ({ foundBy: 'os', socket: null, pid: null, executable: null, versionFrom });
  if (process.platform === 'darwin') {
    const framework = await macPcscFramework();
    if (!framework) return { value: null, reason: `${MAC_PCSC_PLIST} gave no version` };
    return {
      value: {
        text: `${framework} (CryptoTokenKit's com.apple.ctkpcscd)`,
        origin: origin(`${MAC_PCSC_PLIST}: the service is the OS's own, so the OS version names it too`),
      },
    };
  }
  const state = /STATE\s*:\s*\d+\s+(\w+)/.exec((await run('sc', ['query', 'SCardSvr'])) ?? '')?.[1];
  if (!state) return { value: null, reason: 'the service did not say its version' };
  return {
    value: {
      text: `Smart Card service (SCardSvr): ${state}`,
      origin: origin('`sc query SCardSvr`: the service is the OS’s own, so the OS version and build name it'),
    },
  };
}

/** The directories the dynamic linker searches for a bare library name, in the usual distributions' layouts. */
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib'];

/**
 * The file a library name stands for: a path as given (resolved from the
 * working directory, as dlopen does); a bare name as this process mapped it
 * (the binding loads it here too, for the observer), else as the usual
 * library directories hold it.
 */
async function resolveLibrary(library: string): Promise<string | null> {
  if (library.includes('/')) return realPath(resolve(library));
  const maps = (await readText('/proc/self/maps')) ?? '';
  for (const line of maps.split('\n')) {
    const file = line.slice(line.indexOf('/'));
    if (line.includes('/') && (basename(file) === library || basename(file).startsWith(`${library}.`))) return realPath(file) ?? file;
  }
  for (const dir of LIBRARY_DIRS) {
    const file = realPath(join(dir, library));
    if (file) return file;
  }
  return null;
}

/** The client library's version: the package that installed that very file, else a libpcsclite.pc installed beside it. */
async function linuxClient(library: string): Promise<{ text: string | null; origin: ClientOrigin; reason?: string }> {
  const path = await resolveLibrary(library);
  if (!path) return { text: null, origin: { library, path: null, versionFrom: null }, reason: `${library} was not found on this system` };
  // dpkg may list the file under /lib or /usr/lib, whichever the package shipped, with the other a symlink (usrmerge).
  const aliases = [path, path.startsWith('/usr/lib/') ? path.slice('/usr'.length) : `/usr${path}`];
  for (const file of aliases) {
    const packaged = await packageOf(file);
    if (packaged) return { text: packaged, origin: { library, path, versionFrom: 'package' } };
  }
  const pcFile = join(dirname(path), 'pkgconfig', 'libpcsclite.pc');
  const version = pkgConfigVersion((await readText(pcFile)) ?? '');
  if (version) return { text: `libpcsclite ${version}`, origin: { library, path, versionFrom: 'pkg-config' } };
  return {
    text: null,
    origin: { library, path, versionFrom: null },
    reason: `${path}: no package owns it, and no ${pcFile} says its version`,
  };
}

export interface PcscStackFacts {
  pcscService: string | null;
  pcscServiceOrigin: ServiceOrigin | null;
  pcscClient: string | null;
  pcscClientOrigin: ClientOrigin | null;
  /** Why pcscService or pcscClient is null. */
  unavailable: Partial<Record<'pcscService' | 'pcscClient', string>>;
}

/**
 * The stack that answered: the client library the run loaded and the service
 * behind the socket that library connects to. `library` is what the binding
 * loaded (BindingInfo.library); null when no binding loaded.
 */
export async function pcscStackFacts(serviceAnswered: boolean, library: string | null, env = process.env): Promise<PcscStackFacts> {
  const unavailable: PcscStackFacts['unavailable'] = {};
  let client: { text: string | null; origin: ClientOrigin | null; reason?: string };
  if (process.platform === 'darwin') {
    const framework = await macPcscFramework();
    client = {
      text: framework,
      origin: { library, path: null, versionFrom: framework ? 'os' : null },
      reason: `${MAC_PCSC_PLIST} gave no version`,
    };
  } else if (process.platform === 'linux') {
    client = library ? await linuxClient(library) : { text: null, origin: null, reason: 'no PC/SC binding loaded' };
  } else {
    client = {
      text: null,
      origin: { library, path: null, versionFrom: null },
      reason: "winscard.dll's version needs a file-version query sc-repro does not make",
    };
  }
  if (!client.text) unavailable.pcscClient = client.reason ?? 'the library did not say its version';

  let service: Found<{ text: string; origin: ServiceOrigin }>;
  // A socket set by hand is the first thing to know about a service that did not answer.
  const socketByHand = env.PCSCLITE_CSOCK_NAME || null;
  if (!serviceAnswered)
    service = { value: null, reason: `the PC/SC service did not answer${socketByHand ? ` (at PCSCLITE_CSOCK_NAME=${socketByHand})` : ''}` };
  else if (process.platform !== 'linux') service = await osService();
  else {
    service = await linuxService(socketByHand ?? DEFAULT_PCSCD_SOCKET);
  }
  if (!service.value) unavailable.pcscService = service.reason;
  return {
    pcscService: service.value?.text ?? null,
    pcscServiceOrigin: service.value?.origin ?? null,
    pcscClient: client.text,
    pcscClientOrigin: client.origin,
    unavailable,
  };
}
