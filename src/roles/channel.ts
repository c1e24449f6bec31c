// The role's side of Node's IPC channel to the orchestrator (the same on
// Windows, macOS and Linux): what arrives in, stamped messages out. What
// arrives is checked by serve.ts, which answers a malformed request.
import { epochMs } from '../core/bounded-wait.js';
import type { RoleMessage, Unstamped } from './protocol.js';

export interface ParentChannel {
  send(message: Unstamped<RoleMessage>): void;
  /** Everything the orchestrator sends, in order, unchecked. */
  onReceive(handler: (value: unknown) => void): void;
  /** Resolves when the orchestrator disconnects: it is done, or it died. */
  parentGone: Promise<void>;
  close(): void;
}

/** The channel to the orchestrator, or null when this process was not started with one. */
export function parentChannel(): ParentChannel | null {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return null;
  const parentGone = new Promise<void>((resolve) => process.once('disconnect', resolve));
  return {
    parentGone,
    send(message) {
      if (process.connected) send({ ...message, t: epochMs() });
    },
    onReceive(handler) {
      process.on('message', (value: unknown) => handler(value));
    },
    close() {
      if (process.connected) process.disconnect();
    },
  };
}
