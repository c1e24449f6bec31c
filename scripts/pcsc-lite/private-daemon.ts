// What the pcsc-lite release scripts share: building a commit (build.sh), a
// private pcscd of that build with the vpcd driver on a port of its own, and
// one `sc-repro matrix --virtual --json` against it through that build's client
// library. Linux only, like pcsc-lite's own build.
//
// Each build has its socket and pid file compiled into its own prefix
// (--enable-ipcdir), so its pcscd and its libpcsclite meet there and never
// at /run/pcscd: the system's pcscd, its socket and vpcd's port 35963 are
// left alone, and no mount namespace is needed. pcsc-lite before 1.8 reads no
// PCSCLITE_CSOCK_NAME at all; the compiled-in folder works for every release.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILD_SCRIPT = fileURLToPath(new URL('./build.sh', import.meta.url));
export const DEFAULT_CLI = fileURLToPath(new URL('../../bin/sc-repro.cjs', import.meta.url));
/** The vsmartcard driver bundle Debian's vsmartcard-vpcd installs. */
export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** Far from vpcd's 35963/35964, which the system's pcscd serves. */
export const DEFAULT_VPCD_PORT = 36200;
/** `git bisect run`'s "this commit cannot be tested". */
export const EXIT_SKIP = 125;

export interface Build {
  rev: string;
  prefix: string;
  pcscd: string;
  library: string;
  version: string;
}

export type BuildResult = { ok: true; build: Build } | { ok: false; skip: boolean; reason: string };

/** Builds (or finds cached) one commit; `skip` is a commit that does not build, as opposed to a missing tool. */
export function buildRelease(checkout: string, rev: string, installDeps = false): BuildResult {
  const args = [BUILD_SCRIPT, checkout, rev, ...(installDeps ? ['--install-deps'] : [])];
  const result = spawnSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const reason = (result.stderr || '').trim().split('\n').pop() ?? '';
  if (result.status !== 0) return { ok: false, skip: result.status === EXIT_SKIP, reason: reason || `build.sh exited ${result.status}` };
  const prefix = result.stdout.trim().split('\n').pop() ?? '';
  const library = ['lib', 'lib64', 'lib/x86_64-linux-gnu']
    .map((folder) => join(prefix, folder, 'libpcsclite.so.1'))
    .find((path) => existsSync(path));
  const pcscd = join(prefix, 'sbin', 'pcscd');
  if (!library || !existsSync(pcscd)) return { ok: false, skip: true, reason: `no pcscd or libpcsclite.so.1 under ${prefix}` };
  const version = spawnSync(pcscd, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '';
  return { ok: true, build: { rev, prefix, pcscd, library, version } };
}

/** Stops a daemon this process started: SIGTERM (pcscd removes its socket and pid file), SIGKILL after 5 s. */
export async function stopDaemon(daemon: ChildProcess, exited: Promise<void>): Promise<void> {
  if (daemon.exitCode !== null || daemon.signalCode !== null) return;
  daemon.kill('SIGTERM');
  const timer = setTimeout(() => daemon.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** True when something listens on the TCP port (read from /proc, so that probing never inserts a card into vpcd). */
export function tcpListening(port: number): boolean {
  const needle = `:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) => {
    try {
      return readFileSync(file, 'utf8').toUpperCase().includes(needle);
    } catch {
      return false;
    }
  });
}

export interface PrivateDaemon {
  pid: number;
  /** The environment for clients of this daemon (pcsc-lite 1.8 and later also read it; older ones use the compiled-in path). */
  env: Record<string, string>;
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the build's pcscd in the foreground with one vpcd entry on `port`
 * (vpcd also opens port + 1 for its second slot). The reader is named
 * "Virtual PCD 00 00", as the system's is, so `--virtual` finds it.
 */
export async function startPrivateDaemon(build: Build, port: number, timeoutMs = 15_000): Promise<PrivateDaemon> {
  const runDir = join(build.prefix, 'run');
  const pidFile = join(runDir, 'pcscd.pid');
  // One daemon per build at a time (its socket path is compiled in): a second script run of the same build waits.
  const releaseBuild = await lockBuild(build.prefix, 10 * 60_000);
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && existsSync(`/proc/${pid}`)) {
      releaseBuild();
      throw new Error(`a pcscd of this build already runs (pid ${pid}, ${pidFile}); stop it first`);
    }
  }
  const busy = [port, port + 1].filter(tcpListening);
  if (busy.length) {
    releaseBuild();
    throw new Error(`vpcd port(s) ${busy.join(', ')} already in use: choose another with --vpcd-port`);
  }
  // Files a daemon that was killed left behind; old releases refuse to start over a stale socket.
  for (const entry of readdirSync(runDir)) rmSync(join(runDir, entry), { force: true });

  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-pcsc-lite-'));
  const hex = `0x${port.toString(16).toUpperCase()}`;
  const conf = join(dir, 'reader.conf');
  writeFileSync(conf, `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${hex}\n`);
  const logFile = join(dir, 'pcscd.log');
  const fd = openSync(logFile, 'a');
  // No LISTEN_FDS/LISTEN_PID: it must never take systemd's socket. pcscd 1.7 and later log with stdio's
  // printf, fully buffered into a file: stdbuf (coreutils) makes it line-buffered, so "daemon ready" shows.
  const daemon: ChildProcess = spawn('stdbuf', ['-oL', '-eL', build.pcscd, '--foreground', '--debug', '--config', conf], {
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  closeSync(fd);
  daemon.on('error', () => {});
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopDaemon(daemon, exited);
    for (const entry of readdirSync(runDir)) rmSync(join(runDir, entry), { force: true });
    rmSync(dir, { recursive: true, force: true });
    releaseBuild();
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null) {
      const tail = log().split('\n').slice(-15).join('\n');
      await stop();
      throw new Error(`pcscd ${build.rev} exited at start (${daemon.exitCode ?? daemon.signalCode}):\n${tail}`);
    }
    if (log().includes('daemon ready') && tcpListening(port) && existsSync(join(runDir, 'pcscd.comm'))) break;
    if (Date.now() > deadline) {
      const tail = log().split('\n').slice(-15).join('\n');
      await stop();
      throw new Error(`pcscd ${build.rev} not ready within ${timeoutMs} ms:\n${tail}`);
    }
    await sleep(50);
  }
  return { pid: daemon.pid ?? 0, env: { PCSCLITE_CSOCK_NAME: join(runDir, 'pcscd.comm') }, log, stop };
}

/**
 * A lock file beside the build's run folder, holding the owner's pid: taken with O_EXCL, and taken over
 * when its owner is gone (a script that was killed). Returns the release.
 */
async function lockBuild(prefix: string, timeoutMs: number): Promise<() => void> {
  const lock = join(prefix, 'daemon.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch {
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        continue; // released meanwhile
      }
      // An empty file is a lock being written this instant: wait for its pid like any other.
      if (owner > 0 && !existsSync(`/proc/${owner}`)) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`a pcscd of this build stays in use by process ${owner} (${lock})`);
      else await sleep(200);
    }
  }
}

export interface MatrixRun {
  exitCode: number | null;
  /** The report as sc-repro printed it; null when stdout was not one JSON object. */
  report: MatrixReport | null;
  stdout: string;
  stderr: string;
}

/** The parts of `matrix --json` these scripts read. */
export interface MatrixReport {
  exitCode: number;
  rows: { scenario: { id: string }; verdict: string; observed: string | null; reason: string; knownBug: { id: string } | null }[];
  notRun?: unknown[];
}

/** `sc-repro matrix --virtual --json --binding ffi --pcsc-library <build's library>`, its card in the daemon's vpcd port. */
export function runMatrix(cli: string, build: Build, daemon: PrivateDaemon, port: number, extraArgs: string[] = []): Promise<MatrixRun> {
  const args = [cli, 'matrix', '--virtual', '--json', '--binding', 'ffi', '--pcsc-library', build.library, ...extraArgs];
  // SC_REPRO_VPCD_PORT is what `--vpcd-port` sets: the built-in card goes into this daemon's vpcd, not the system's.
  // The meson builds' libpcsclite.so.1 is a dispatcher that loads libpcsclite_real.so.1 by name: the release's own.
  const libraryPath = [dirname(build.library), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const env = { ...process.env, ...daemon.env, SC_REPRO_VPCD_PORT: String(port), LD_LIBRARY_PATH: libraryPath };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (exitCode) => {
      let report: MatrixReport | null = null;
      try {
        const parsed = JSON.parse(stdout) as Partial<MatrixReport>;
        if (Array.isArray(parsed.rows)) report = parsed as MatrixReport;
      } catch {
        report = null;
      }
      resolve({ exitCode, report, stdout, stderr });
    });
  });
}

/** The sc-repro CLI to run: the one given, else this clone's, which must be built. */
export function resolveCli(given: string | undefined): string {
  const cli = given ?? DEFAULT_CLI;
  if (!existsSync(cli)) throw new Error(`no sc-repro at ${cli}`);
  if (!given && !existsSync(join(dirname(cli), '..', 'dist', 'cli', 'main.cjs')))
    throw new Error('sc-repro is not built: run `npm run build` first');
  return cli;
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true });
}
