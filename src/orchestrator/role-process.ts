// A role (holder or contender) running as a separate OS process of this same
// CLI: process.execPath plus the compiled entry, no shell, an IPC channel for
// events. Children are killed if this process exits for any reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onForcedExit } from '../cli/run-command.js';
import { settlesWithin } from './settles-within.js';

const ENTRY = fileURLToPath(new URL('../../bin/sc-repro.js', import.meta.url));

export interface RoleMessage {
  type: string;
  /** The child's wall clock in ms (performance.timeOrigin + now). */
  t: number;
  [key: string]: unknown;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  onForcedExit(killAll);
}

export class RoleProcess {
  readonly child: ChildProcess;
  readonly messages: RoleMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutText = '';
  private stderrText = '';
  private readonly listeners = new Set<() => void>();
  private readonly observers = new Map<string, (message: RoleMessage) => void>();

  constructor(args: string[], env: Record<string, string> = {}) {
    killAllOnExit();
    this.child = spawn(process.execPath, [ENTRY, ...args], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      windowsHide: true,
    });
    live.add(this.child);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdoutText += chunk;
      this.notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    this.child.on('message', (message: RoleMessage) => {
      const observer = this.observers.get(message.type);
      if (observer) return observer(message);
      this.messages.push(message);
      this.notify();
    });
    // Not 'close': after the parent disconnects the IPC channel, Node (20) never
    // counts the channel as closed and 'close' never comes. Exit plus the end of
    // both output streams is the same moment, and all the output is in.
    const drained = (stream: NodeJS.ReadableStream) => new Promise<void>((resolve) => stream.once('close', resolve));
    const outputs = Promise.all([drained(this.child.stdout!), drained(this.child.stderr!)]);
    this.exited = new Promise((resolve) => {
      this.child.once('error', () => resolve({ code: null, signal: null }));
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        void outputs.then(() => resolve({ code, signal }));
      });
    });
    this.exited.then(() => this.notify());
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The final JSON object the role printed with --json, if any. */
  result(): Record<string, unknown> | null {
    const last = this.stdoutText.trim().split('\n').pop();
    try {
      return last ? (JSON.parse(last) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  stderr(): string {
    return this.stderrText.trim();
  }

  /**
   * Resolves with (and consumes) the first message that matches, or null if
   * the process ends first or `timeoutMs` passes (then `timedOut` is set).
   */
  waitFor(match: string | ((message: RoleMessage) => boolean), timeoutMs: number): Promise<{ message: RoleMessage | null; timedOut: boolean }> {
    const matches = typeof match === 'string' ? (m: RoleMessage) => m.type === match : match;
    return new Promise((resolve) => {
      const check = () => {
        const index = this.messages.findIndex(matches);
        if (index >= 0) finish({ message: this.messages.splice(index, 1)[0]!, timedOut: false });
        else if (!this.running || !this.child.connected) finish({ message: null, timedOut: false });
      };
      const timer = setTimeout(() => finish({ message: null, timedOut: true }), timeoutMs);
      const finish = (value: { message: RoleMessage | null; timedOut: boolean }) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Hands every later message of `type` to `callback` (news, not answers: nobody waits for them). */
  onMessage(type: string, callback: (message: RoleMessage) => void): void {
    this.observers.set(type, callback);
  }

  private nextId = 1;

  /** Sends a request to a served role; its answers carry the returned id. */
  request(type: string, payload: object = {}): number {
    const id = this.nextId++;
    this.send({ type, id, ...payload });
    return id;
  }

  /** The answer of `type` (or a failure) to request `id`. */
  answer(id: number, type: string, timeoutMs: number): Promise<{ message: RoleMessage | null; timedOut: boolean }> {
    return this.waitFor((m) => m.id === id && (m.type === type || m.type === 'failed'), timeoutMs);
  }

  send(message: object): void {
    if (this.child.connected) this.child.send(message);
  }

  /**
   * Ends the role: a served role leaves when its channel closes, releasing
   * what it holds. One that does not (stuck in a PC/SC call) gets SIGTERM,
   * on which it releases and exits, and SIGKILL if even that does not end it.
   * `urgent` (the user interrupted the run) skips the wait for the channel.
   */
  async stop(urgent = false): Promise<void> {
    if (!this.running) return void (await this.exited);
    if (this.child.connected) this.child.disconnect();
    if (!urgent && (await settlesWithin(this.exited, STOP_GRACE_MS))) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Leaving, or releasing on SIGTERM, takes milliseconds; this is ten times that. */
const STOP_GRACE_MS = 150;
