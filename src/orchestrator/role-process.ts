// A role (holder or contender) running as a separate OS process of this same
// CLI: process.execPath plus the compiled entry, no shell, an IPC channel for
// events. Children are killed if this process exits for any reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class RoleProcess {
  readonly child: ChildProcess;
  readonly messages: RoleMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutText = '';
  private stderrText = '';
  private readonly listeners = new Set<() => void>();

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
      this.messages.push(message);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', () => resolve({ code: null, signal: null }));
      this.child.once('close', (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
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
   * Resolves with the first message of `type`, or null if the process ends
   * first or `timeoutMs` passes (then `timedOut` is set on the call's result).
   */
  waitFor(type: string, timeoutMs: number): Promise<{ message: RoleMessage | null; timedOut: boolean }> {
    return new Promise((resolve) => {
      const check = () => {
        const message = this.messages.find((candidate) => candidate.type === type);
        if (message) finish({ message, timedOut: false });
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

  /**
   * Resolves once the role printed its --json result or ended, or after
   * `timeoutMs`. The result, not the exit, is what the run needs: a role that
   * lingers after printing it is stopped by the caller.
   */
  waitForResult(timeoutMs: number): Promise<Record<string, unknown> | null> {
    return new Promise((resolve) => {
      const check = () => {
        const result = this.stdoutText.endsWith('\n') ? this.result() : null;
        if (result || !this.running) finish(result);
      };
      const timer = setTimeout(() => finish(this.result()), timeoutMs);
      const finish = (value: Record<string, unknown> | null) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      this.listeners.add(check);
      check();
    });
  }

  send(message: object): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Ends the role: SIGTERM first (the holder then releases the card), SIGKILL if it lingers. */
  async stop(graceMs = 1000): Promise<void> {
    if (!this.running) return void (await this.exited);
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
