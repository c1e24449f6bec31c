// The messages a role sent that nobody took yet, and the waits for them.
import type { MessageOf, RoleMessage } from '../roles/protocol.js';

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
  private stopping: MessageOf<'stopping'> | null = null;
  private ended: (() => string) | null = null;

  deliver(message: RoleMessage): void {
    if (message.type === 'stopping') this.stopping = message;
    else this.inbox.push(message);
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

  /** The first message of one of `types` for request `id` (`ready` has none), a `failed` one for it, or why none came. */
  take<T extends RoleMessage['type']>(
    id: number,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>> {
    const wanted: readonly string[] = types;
    const matches = (message: RoleMessage): message is MessageOf<T> | MessageOf<'failed'> =>
      'id' in message ? message.id === id && (wanted.includes(message.type) || message.type === 'failed') : wanted.includes(message.type);
    return new Promise((resolve) => {
      const finish = (value: Wait<MessageOf<T> | MessageOf<'failed'>>) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const check = () => {
        const index = this.inbox.findIndex(matches);
        const message = index >= 0 ? this.inbox.splice(index, 1)[0] : undefined;
        if (message && matches(message)) finish({ message });
        else if (this.ended) finish({ gone: { stopping: this.stopping, exit: this.ended() } });
      };
      const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}
