// A second, private pcscd for tests that need readers the system pcscd does not
// have, such as readers with hostile names. It never touches the system pcscd,
// which other tests share.
//
// pcscd 1.9.9 has its socket and pid file compiled in (/run/pcscd/pcscd.comm,
// /run/pcscd/pcscd.pid) and ignores PCSCLITE_CSOCK_NAME: only the client
// library reads that. Started plainly, a second pcscd finds the first one's
// pid file and refuses to run ("Another pcscd seems to be running"); one that
// got past that check would delete the first one's socket and pid file when it
// exits. So this one runs in its own mount namespace (unshare), where a
// temporary directory is bind-mounted on /run/pcscd: its socket and pid file
// land in that directory, clients reach it with PCSCLITE_CSOCK_NAME pointing
// there, and the system's /run/pcscd is never written. The network namespace
// stays shared, so the virtual card reaches its vpcd ports as usual.
//
// What reader.conf accepts after FRIENDLYNAME (pcsc-lite 1.9.9, measured):
// - "..." holds anything but `"` and a newline: spaces, unicode, `|`,
//   backticks, `'`, `<>`, `$()`, tabs; a backslash is literal (no escapes).
// - every `"` is stripped from the value, so a reader.conf name never
//   contains a double quote; '...' is also a token, but its quotes stay in the
//   name ("'x'" gives the name 'x' 00 00).
// - a "... with no closing quote ends at the newline and keeps it: the reader
//   is named "...\n 00 00". This is how a newline gets into a real name.
// - unquoted, only [A-Za-z0-9/\-._@:] are allowed; anything else is a
//   tok_error and pcscd exits 1.
// pcscd appends " 00 00" and " 00 01" (vpcd has two slots, on port and port+1).
// One vpcd entry per pcscd: libifdvpcd keys its state by slot alone, so with
// two entries both readers poll the last entry's ports and show the same card.
// Tests that need two names start two private pcscds.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { vpcdListening } from './pcsc-stack.js';
import { stopDaemon } from '../../scripts/pcsc-lite/private-daemon.js';
import type { ReaderStatus } from '../../src/pcsc/binding.js';

export interface VpcdReaderConf {
  /** The FRIENDLYNAME value exactly as written in reader.conf, quotes included. */
  friendlyName: string;
  /** The vpcd port of the first slot; the second slot listens on port + 1. */
  port: number;
}

export interface PrivatePcscd {
  /** The environment that sends a client to this pcscd. */
  env: { PCSCLITE_CSOCK_NAME: string };
  pid: number;
  log(): string;
  /** Reader states as a third process sees them, through `sc-repro readers --json`. */
  readers(): Promise<ReaderStatus[]>;
  /** Processes other than pcscd itself that still have this pcscd's socket in their environment. */
  leftovers(): number[];
  /** Stops pcscd (SIGTERM, SIGKILL after 5 s) and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readerConf({ friendlyName, port }: VpcdReaderConf): string {
  const hex = `0x${port.toString(16).toUpperCase()}`;
  return [
    `FRIENDLYNAME ${friendlyName}`,
    `DEVICENAME   /dev/null:${hex}`,
    'LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so',
    `CHANNELID    ${hex}`,
    '',
  ].join('\n');
}

/** Root only needs a mount namespace; anyone else maps themselves to root in a user namespace first. */
function unshareArgs(): string[] {
  const base = ['--mount', '--propagation', 'private'];
  return process.getuid?.() === 0 ? base : ['--user', '--map-root-user', ...base];
}

export async function startPrivatePcscd(reader: VpcdReaderConf, timeoutMs = 10_000): Promise<PrivatePcscd> {
  const ports = [reader.port, reader.port + 1];
  const busy = ports.filter((port) => vpcdListening(port));
  if (busy.length) {
    throw new Error(
      `vpcd port(s) ${busy.join(', ')} already in use; a private pcscd left by an aborted run shows in ` +
        "`pgrep -af 'pcscd --foreground --debug --config .*sc-repro-private-pcscd-'`",
    );
  }

  const dir = mkdtempSync(join(tmpdir(), 'sc-repro-private-pcscd-'));
  const runDir = join(dir, 'run');
  const confDir = join(dir, 'reader.conf.d');
  mkdirSync(runDir);
  mkdirSync(confDir);
  writeFileSync(join(confDir, 'vpcd'), readerConf(reader));
  const logFile = join(dir, 'pcscd.log');
  const socket = join(runDir, 'pcscd.comm');
  const env = { PCSCLITE_CSOCK_NAME: socket };

  const fd = openSync(logFile, 'a');
  // unshare and sh both exec, so the child's pid is pcscd's: the only pid this stops.
  const daemon: ChildProcess = spawn(
    'unshare',
    [
      ...unshareArgs(),
      'sh',
      '-c',
      'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd --foreground --debug --config "$2"',
      'sh',
      runDir,
      confDir,
    ],
    // Without LISTEN_FDS/LISTEN_PID, so it never takes systemd's socket; with
    // sbin, which a non-root PATH lacks on Debian.
    { stdio: ['ignore', fd, fd], env: { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` } },
  );
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

  const readers = async (): Promise<ReaderStatus[]> => {
    const result = await runCli(['readers', '--json'], { env });
    const report = JSON.parse(result.stdout || '{}') as { readers?: ReaderStatus[] };
    return report.readers ?? [];
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopDaemon(daemon, exited);
    rmSync(dir, { recursive: true, force: true });
  };

  const fail = async (why: string): Promise<never> => {
    const text = log();
    await stop();
    throw new Error(`private pcscd: ${why}\n--- pcscd log (tail) ---\n${text.split('\n').slice(-30).join('\n')}`);
  };

  // Ready when every vpcd slot listens and clients list every reader pcscd
  // started; the list lags "daemon ready" by a moment.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.exitCode !== null || daemon.signalCode !== null) {
      await fail(`exited early (${daemon.exitCode ?? daemon.signalCode}); unshare needs root or user namespaces`);
    }
    if (Date.now() > deadline) await fail(`not ready within ${timeoutMs} ms`);
    const text = log();
    if (ports.every((port) => vpcdListening(port)) && text.includes('daemon ready')) {
      const started = text.split('Attempting startup of').length - 1;
      if ((await readers()).length >= started) break;
    }
    await sleep(50);
  }

  return {
    env,
    pid: daemon.pid!,
    log,
    readers,
    stop,
    leftovers() {
      const needle = `PCSCLITE_CSOCK_NAME=${socket}\0`;
      return readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
        .filter((entry) => {
          try {
            return readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle);
          } catch {
            return false;
          }
        })
        .map(Number);
    },
  };
}

/** Waits until the named reader's card state is the one wanted, as a third process sees it. */
export async function untilCard(pcscd: PrivatePcscd, reader: string, present: boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await pcscd.readers()).find((r) => r.reader === reader);
    if (status?.cardPresent === present) return;
    if (Date.now() > deadline)
      throw new Error(`${JSON.stringify(reader)}: card ${present ? 'not seen' : 'still seen'} after ${timeoutMs} ms`);
    await sleep(50);
  }
}
