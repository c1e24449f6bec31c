// A role (holder or contender) running as a separate OS process: the role
// entry under process.execPath, no shell, an IPC channel for the typed
// protocol. Children are killed if this process exits for any reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { settlesWithin } from '../core/bounded-wait.js';
import { onForcedExit } from '../core/interrupt.js';
import { isRoleMessage, type MessageOf, type RoleMessage, type RoleName, type RoleRequest } from '../roles/protocol.js';
import { Mailbox, type Wait } from './mailbox.js';

// The built entry, from the sources and from the bundle alike (both sit two folders below the package root).
const ROLE_ENTRY = fileURLToPath(new URL('../../dist/roles/entry.cjs', import.meta.url));

/** Requests are numbered by the link; the caller gives the rest. */
export type NewRequest = RoleRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** One role as the orchestrator drives it: a process here, an in-memory fake in unit tests. */
export interface RoleLink {
  readonly name: RoleName;
  readonly running: boolean;
  /** Sends a request; its replies carry the returned id. */
  request(request: NewRequest): number;
  /** The first message of one of `types` for request `id` (or `ready`, id -1), a `failed` one for it, or why none came. */
  reply<T extends RoleMessage['type']>(
    id: number,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>>;
  /** Ends the role; `urgent` (the user interrupted) skips the grace period. */
  stop(urgent?: boolean): Promise<void>;
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

/** Leaving, or releasing on SIGTERM, takes milliseconds; this is ten times that. */
const STOP_GRACE_MS = 150;

export class RoleProcess implements RoleLink {
  private readonly child: ChildProcess;
  private readonly mailbox = new Mailbox();
  private nextId = 1;
  readonly exited: Promise<void>;

  constructor(
    readonly name: RoleName,
    env: Record<string, string> = {},
  ) {
    killAllOnExit();
    this.child = spawn(process.execPath, [ROLE_ENTRY, name], {
      env: { ...process.env, ...env },
      // A role says everything, failures included, over the channel.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      windowsHide: true,
    });
    live.add(this.child);
    this.child.on('message', (value: unknown) => {
      if (isRoleMessage(value)) this.mailbox.deliver(value);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', () => resolve());
      this.child.once('exit', () => {
        live.delete(this.child);
        resolve();
      });
    });
    void this.exited.then(() => this.mailbox.close(() => this.exitDescription()));
  }

  private exitDescription(): string {
    const { exitCode, signalCode } = this.child;
    if (signalCode) return `it was killed by ${signalCode}`;
    return exitCode === null ? 'it could not be started' : `it exited with code ${exitCode}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  request(request: NewRequest): number {
    const id = this.nextId++;
    if (this.child.connected) this.child.send({ ...request, id });
    return id;
  }

  reply<T extends RoleMessage['type']>(
    id: number,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>> {
    return this.mailbox.take(id, types, timeoutMs);
  }

  /**
   * A role leaves when its channel closes, releasing what it holds. One that
   * does not (stuck in a PC/SC call) gets SIGTERM, on which it releases and
   * exits, and SIGKILL if even that does not end it.
   */
  async stop(urgent = false): Promise<void> {
    if (!this.running) return this.exited;
    if (this.child.connected) this.child.disconnect();
    if (!urgent && (await settlesWithin(this.exited, STOP_GRACE_MS))) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
