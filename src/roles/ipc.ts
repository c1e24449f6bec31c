// The channel between the orchestrator and a role running as a child process
// (Node's IPC channel, which works the same on Windows, macOS and Linux).
export type ParentMessage = { type: 'release' } | ({ type: string; id: number } & Record<string, unknown>);

export interface RoleChannel {
  send(event: object): void;
  /** Called when the parent asks for release, or when the parent goes away. */
  onRelease(callback: (reason: 'requested' | 'interrupted') => void): void;
  /** Every request of a served role, in order. */
  onRequest(callback: (request: { type: string; id: number } & Record<string, unknown>) => void): void;
  /** Resolves when the parent disconnects (it finished, or died). */
  parentGone: Promise<void>;
  close(): void;
}

const noChannel: RoleChannel = {
  send() {},
  onRelease() {},
  onRequest() {},
  parentGone: new Promise(() => {}),
  close() {},
};

export function roleChannel(): RoleChannel {
  if (!process.send || !process.channel) return noChannel;
  const sendMessage = process.send.bind(process);
  const parentGone = new Promise<void>((resolve) => process.once('disconnect', resolve));
  return {
    parentGone,
    send(event) {
      if (process.connected) sendMessage({ ...event, t: performance.timeOrigin + performance.now() });
    },
    onRelease(callback) {
      process.on('message', (message: ParentMessage) => {
        if (message?.type === 'release') callback('requested');
      });
      // A parent that died must not leave the reader held.
      parentGone.then(() => callback('interrupted'));
    },
    onRequest(callback) {
      process.on('message', (message: ParentMessage) => {
        if (message && typeof message.type === 'string' && 'id' in message) callback(message as never);
      });
    },
    close() {
      if (process.connected) process.disconnect();
    },
  };
}
