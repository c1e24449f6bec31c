// The role's side of Node's IPC channel to the orchestrator (the same on
// Windows, macOS and Linux): typed requests in, stamped messages out.
import { epochMs } from '../core/bounded-wait.js';
import { isRoleRequest, type RoleMessage, type RoleRequest, type Unstamped } from './protocol.js';

export interface ParentChannel {
  send(message: Unstamped<RoleMessage>): void;
  /** Every request, in order. */
  onRequest(handler: (request: RoleRequest) => void): void;
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
    onRequest(handler) {
      process.on('message', (message: unknown) => {
        if (isRoleRequest(message)) handler(message);
      });
    },
    close() {
      if (process.connected) process.disconnect();
    },
  };
}
