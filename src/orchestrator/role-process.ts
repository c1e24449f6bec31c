// A role (holder or contender) running as a separate OS process: the role
// entry under process.execPath, no shell, an IPC channel for the typed
// protocol. Children are killed if this process exits for any reason.
import type { ChildProcess } from 'node:child_process';
import { settlesWithin } from '../core/bounded-wait.js';
import { onForcedExit } from '../core/interrupt.js';
import type { FinalReplyTo, MessageOf, ReplyTo, RequestBody, RequestType, RoleName, RoleRequest } from '../roles/protocol.js';
import { Mailbox, type Wait } from './mailbox.js';
import { spawnRole, type SpawnedRole } from './spawned-role.js';

declare const sentRequest: unique symbol;
/** The id of a request sent, typed with the request's type: only that request's replies can be waited for with it. */
export type Sent<K extends RequestType> = number & { readonly [sentRequest]: K };

/**
 * One role as the orchestrator drives it: a process here, an in-memory fake in
 * unit tests. `R` says which role, and with it which requests it takes: a
 * holder link does not compile with a contender's request, nor a wait with a
 * reply its request cannot get.
 */
export interface RoleLink<R extends RoleName = RoleName> {
  readonly name: R;
  readonly running: boolean;
  /** Sends a request; its replies are waited for with what this returns. */
  request<K extends RequestType<R>>(request: RequestBody<K>): Sent<K>;
  /** The first reply of one of `types` to request `sent`, a `failed` one for it, or why none came. */
  reply<K extends RequestType<R>, T extends ReplyTo<K>>(
    sent: Sent<K>,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>>;
  /** Sends a request and waits for the reply that completes it. */
  ask<K extends RequestType<R>>(
    request: RequestBody<K>,
    timeoutMs: number,
  ): Promise<Wait<MessageOf<FinalReplyTo<K>> | MessageOf<'failed'>>>;
  /** The role's `ready`, sent once it can act, or why none came. */
  ready(timeoutMs: number): Promise<Wait<MessageOf<'ready'>>>;
  /** Ends the role; `urgent` (the user interrupted) skips the grace period. */
  stop(urgent?: boolean): Promise<void>;
}

export type HolderLink = RoleLink<'holder'>;
export type ContenderLink = RoleLink<'contender'>;

/** The request types' last replies, for `ask`. */
const FINAL_REPLY: { [K in RequestType]: FinalReplyTo<K> } = {
  hold: 'held',
  call: 'called',
  release: 'released',
  prepare: 'prepared',
  attempt: 'attempted',
};

/** A role link's requests and waits over its mailbox; how a request reaches the role is `deliver`'s. */
export abstract class MailboxLink<R extends RoleName> implements RoleLink<R> {
  protected readonly mailbox: Mailbox;
  private nextId = 1;

  constructor(readonly name: R) {
    this.mailbox = new Mailbox(name);
  }

  abstract readonly running: boolean;
  abstract stop(urgent?: boolean): Promise<void>;
  /** Hands the numbered request to the role. */
  protected abstract deliver(request: RoleRequest): void;

  request<K extends RequestType<R>>(request: RequestBody<K>): Sent<K> {
    const id = this.nextId++;
    this.mailbox.sent(id, request.type);
    this.deliver({ ...request, id } as RoleRequest);
    return id as Sent<K>;
  }

  reply<K extends RequestType<R>, T extends ReplyTo<K>>(
    sent: Sent<K>,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>> {
    return this.mailbox.take(sent, types, timeoutMs);
  }

  ask<K extends RequestType<R>>(
    request: RequestBody<K>,
    timeoutMs: number,
  ): Promise<Wait<MessageOf<FinalReplyTo<K>> | MessageOf<'failed'>>> {
    const final: FinalReplyTo<K> = FINAL_REPLY[request.type];
    return this.mailbox.take(this.request(request), [final], timeoutMs);
  }

  ready(timeoutMs: number): Promise<Wait<MessageOf<'ready'>>> {
    return this.mailbox.ready(timeoutMs);
  }
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

export class RoleProcess<R extends RoleName = RoleName> extends MailboxLink<R> {
  private readonly child: ChildProcess;
  readonly exited: Promise<void>;

  /** `spawned`: a process started earlier for this role (the CLI's early start); by default one is started now. */
  constructor(name: R, env: Record<string, string> = {}, spawned: SpawnedRole = spawnRole(name, env)) {
    super(name);
    killAllOnExit();
    this.child = spawned.child;
    live.add(this.child);
    spawned.adopt((value: unknown) => this.mailbox.receive(value));
    this.exited = spawned.exited.then(() => void live.delete(this.child));
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

  protected deliver(request: RoleRequest): void {
    if (this.child.connected) this.child.send(request);
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
