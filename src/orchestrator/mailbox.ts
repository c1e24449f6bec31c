// The messages a role sent that nobody took yet, and the waits for them.
// Everything a role sends is checked here on arrival (protocol-checks.ts): a
// malformed message, or a reply its request cannot get, becomes a `failed`
// for that request, naming what was wrong, instead of a wait that times out.
import { epochMs } from '../core/bounded-wait.js';
import { checkMessage } from '../roles/protocol-checks.js';
import { answers, type MessageOf, type RequestType, type RoleMessage, type RoleMessageType, type RoleName } from '../roles/protocol.js';

/** A role that is gone: what it said on its way out, if anything, and how it ended. */
export interface RoleGone {
  stopping: MessageOf<'stopping'> | null;
  /** e.g. "it was killed by SIGKILL", "it exited with code 2". */
  exit: string;
}

export type Wait<T> = { message: T } | { gone: RoleGone } | { timedOut: true };

export class Mailbox {
  private readonly inbox: RoleMessage[] = [];
  private readonly listeners = new Set<() => void>();
  /** The type of each request sent that has not had its last reply. */
  private readonly pending = new Map<number, RequestType>();
  private stopping: MessageOf<'stopping'> | null = null;
  private ended: (() => string) | null = null;
  /** Why the role and we no longer understand each other: every request fails with this from then on. */
  private broken: string | null = null;

  constructor(readonly role: RoleName) {}

  /** Request `id` of type `type` was sent: only its replies will be taken as such. */
  sent(id: number, type: RequestType): void {
    this.pending.set(id, type);
  }

  /** A value that arrived from the role, checked before it is delivered. */
  receive(value: unknown): void {
    const checked = checkMessage(value);
    if (checked.ok) {
      this.deliver(checked.value);
      return;
    }
    const said = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
    const type = typeof said === 'string' && /^[a-z-]{1,20}$/.test(said) ? `${said} ` : '';
    this.reject(checked.id, `the ${this.role} sent a malformed ${type}message: ${checked.problem}`);
  }

  deliver(message: RoleMessage): void {
    if (message.type === 'stopping') this.stopping = message;
    else if (message.type === 'protocol-error') this.broken = message.reason;
    else if ('id' in message) {
      const request = this.pending.get(message.id);
      if (request && !answers(request, message)) {
        this.reject(message.id, `the ${this.role} answered a ${request} with ${message.type}`);
        return;
      }
      if (message.type !== 'attempting') this.pending.delete(message.id);
      this.inbox.push(message);
    } else this.inbox.push(message);
    this.notify();
  }

  /** A message that cannot be taken as sent: a failure of request `id`, or of every request when there is no id to tell. */
  private reject(id: number | null, reason: string): void {
    if (id === null) this.broken ??= reason;
    else {
      this.pending.delete(id);
      this.inbox.push(failure(id, reason));
    }
    this.notify();
  }

  /** The role is gone; `exit` says how, once it is known. */
  close(exit: () => string): void {
    this.ended = exit;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The first message of one of `types` for request `id`, a `failed` one for it, or why none came. */
  take<T extends RoleMessageType>(id: number, types: readonly T[], timeoutMs: number): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>> {
    const wanted: readonly string[] = types;
    const matches = (message: RoleMessage): message is MessageOf<T> | MessageOf<'failed'> =>
      'id' in message && message.id === id && (wanted.includes(message.type) || message.type === 'failed');
    return this.wait(matches, timeoutMs, () => (this.broken === null ? null : failure(id, this.broken)));
  }

  /** The role's `ready`, or why none came. */
  ready(timeoutMs: number): Promise<Wait<MessageOf<'ready'>>> {
    return this.wait(
      (message): message is MessageOf<'ready'> => message.type === 'ready',
      timeoutMs,
      () => null,
    );
  }

  private wait<M extends RoleMessage>(
    matches: (message: RoleMessage) => message is M,
    timeoutMs: number,
    broken: () => M | null,
  ): Promise<Wait<M>> {
    return new Promise((resolve) => {
      const finish = (value: Wait<M>) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const check = () => {
        const index = this.inbox.findIndex(matches);
        const message = index >= 0 ? this.inbox.splice(index, 1)[0] : broken();
        if (message && matches(message)) finish({ message });
        else if (this.ended) finish({ gone: { stopping: this.stopping, exit: this.ended() } });
      };
      const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}

function failure(id: number, reason: string): MessageOf<'failed'> {
  return { type: 'failed', id, t: epochMs(), error: { message: reason }, calls: [] };
}
