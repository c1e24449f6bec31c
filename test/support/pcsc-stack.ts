// The real PC/SC stack for end-to-end tests: pcscd with the vsmartcard vpcd
// driver, and the built-in virtual card. A pcscd that is already running is
// reused; one started here runs in the foreground with its log kept, and is
// the only one stopped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertVirtualCard, type VirtualCard, VPCD_DEFAULT_PORT } from '../../src/virtual-card/vpcd-card.js';
import type { ReaderStatus } from '../../src/pcsc/binding.js';
import { runCli, jsonOutput } from './cli.js';
import { tcpListening } from '../../scripts/pcsc-lite/private-daemon.js';

export const VIRTUAL_READER = 'Virtual PCD 00 00';
const SYSTEM_PID_FILE = '/run/pcscd/pcscd.pid';

/** Whether a vpcd reader listens on `port` (pcscd has loaded it). */
export function vpcdListening(port = VPCD_DEFAULT_PORT): boolean {
  return tcpListening(port);
}

/**
 * Whether the system's pcscd runs: the one its pid file names. Private daemons
 * (other pcsc-lite releases, on sockets of their own) are pcscd processes too,
 * and must not pass for it.
 */
export function pcscdRunning(): boolean {
  try {
    const pid = Number(readFileSync(SYSTEM_PID_FILE, 'latin1').replace(/\0/g, '').trim());
    return pid > 0 && readFileSync(`/proc/${pid}/comm`, 'latin1').trim() === 'pcscd';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface PcscStack {
  /** The log of a pcscd started here, for failure output; empty when reused. */
  log(): string;
  stop(): Promise<void>;
}

export async function startPcscStack(): Promise<PcscStack> {
  let daemon: ChildProcess | undefined;
  let logFile: string | undefined;
  if (!pcscdRunning()) {
    logFile = join(mkdtempSync(join(tmpdir(), 'sc-repro-pcscd-')), 'pcscd.log');
    const fd = openSync(logFile, 'a');
    daemon = spawn('pcscd', ['--foreground', '--debug'], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    daemon.on('error', () => {});
  }
  await until(() => vpcdListening(), 10_000, 'pcscd to load the vpcd reader (install vsmartcard-vpcd; restart pcscd)');
  return {
    log: () => (logFile ? readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n') : ''),
    async stop() {
      if (!daemon || daemon.exitCode !== null) return;
      const exited = new Promise((resolve) => daemon!.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Kills the running pcscd (the one its pid file names, never a private
 * instance) and waits until it is gone. Start it again with startPcscStack().
 */
export async function killPcscd(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = Number(readFileSync(SYSTEM_PID_FILE, 'latin1').replace(/\0/g, '').trim());
  if (!pid) throw new Error('no pcscd pid file');
  process.kill(pid, signal);
  await until(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    5000,
    `pcscd ${pid} to exit`,
  );
}

/**
 * The reader as a third process sees it, through `sc-repro readers --json`.
 * The test process itself never loads the PC/SC binding: observations come
 * from separate processes, as they would for a user.
 */
export async function readerStatus(
  reader = VIRTUAL_READER,
  accept: (status: ReaderStatus) => boolean = () => true,
  timeoutMs = 3000,
): Promise<ReaderStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await runCli(['readers', '--json']);
    const status = (jsonOutput(result.stdout).readers as ReaderStatus[] | undefined)?.find((r) => r.reader === reader);
    if (!status) throw new Error(`${reader} not listed: ${result.stdout} ${result.stderr}`);
    if (accept(status) || Date.now() > deadline) return status;
    await sleep(50);
  }
}

/**
 * Inserts the virtual card and waits until pcscd reports it present. A card
 * still there after a second belongs to another card program (vpcd serves one
 * per port): the tests would run against it, so that fails at once.
 */
export async function insertCard(port = VPCD_DEFAULT_PORT, reader = VIRTUAL_READER): Promise<VirtualCard> {
  // A card removed a moment ago may still show for one of pcscd's polls.
  if ((await readerStatus(reader, (s) => !s.cardPresent, 1000)).cardPresent) {
    throw new Error(
      `${reader} already has a card: another card program holds vpcd port ${port} (a running \`sc-repro virtual-card\`?); stop it and run the tests again`,
    );
  }
  const card = await insertVirtualCard({ port });
  const status = await readerStatus(reader, (s) => s.cardPresent, 5000);
  if (!status.cardPresent) throw new Error(`pcscd did not report the virtual card in ${reader}`);
  return card;
}

export async function removeCard(card: VirtualCard, reader = VIRTUAL_READER): Promise<void> {
  await card.remove();
  await readerStatus(reader, (s) => !s.cardPresent, 5000);
}

/** The reader is free when an exclusive connect from a third process succeeds. */
export async function readerIsFree(reader = VIRTUAL_READER): Promise<boolean> {
  const result = await runCli(['lock', '--reader', reader, '--mode', 'exclusive', '--hold', '0.01', '--json']);
  return result.code === 0;
}

/** After a `--virtual` run took its card out: whether the reader is free, once a card is back in (a lock needs one). */
export async function readerIsFreeAfterVirtualCard(reader = VIRTUAL_READER): Promise<boolean> {
  await readerStatus(reader, (status) => !status.cardPresent, 5000);
  const card = await insertCard(VPCD_DEFAULT_PORT, reader);
  try {
    return await readerIsFree(reader);
  } finally {
    await removeCard(card, reader);
  }
}

/**
 * Per-file hooks for node:test: the stack before the first test, and the
 * virtual card inserted unless `card: false`. Everything is undone after.
 */
export async function useStack(
  hooks: { before: typeof import('node:test').before; after: typeof import('node:test').after },
  options: { card?: boolean } = {},
) {
  let stack: PcscStack | undefined;
  let card: VirtualCard | undefined;
  hooks.before(async () => {
    stack = await startPcscStack();
    if (options.card !== false) card = await insertCard();
  });
  hooks.after(async () => {
    if (card) await card.remove();
    await stack?.stop();
  });
  return { log: () => stack?.log() ?? '' };
}
