// The channel between the orchestrator and a role running as a child process
// (Node's IPC channel, which works the same on Windows, macOS and Linux).
export type ParentMessage = { type: 'release' } | { type: 'go' };

export interface RoleChannel {
  send(event: object): void;
  /**
   * Resolves when the parent says go. Lets the orchestrator start a role
   * early (process start-up off the critical path) and time its PC/SC call.
   */
  go(): Promise<void>;
  /** Called when the parent asks for release, or when the parent goes away. */
  onRelease(callback: (reason: 'requested' | 'interrupted') => void): void;
  close(): void;
}

const noChannel: RoleChannel = { send() {}, go: () => Promise.resolve(), onRelease() {}, close() {} };

export function roleChannel(): RoleChannel {
  if (!process.send || !process.channel) return noChannel;
  const sendMessage = process.send.bind(process);
  const go = new Promise<void>((resolve, reject) => {
    process.on('message', (message: ParentMessage) => {
      if (message?.type === 'go') resolve();
    });
    process.once('disconnect', () => reject(new Error('the orchestrator went away before saying go')));
  });
  go.catch(() => {});
  return {
    go: () => go,
    send(event) {
      if (process.connected) sendMessage({ ...event, t: performance.timeOrigin + performance.now() });
    },
    onRelease(callback) {
      process.on('message', (message: ParentMessage) => {
        if (message?.type === 'release') callback('requested');
      });
      // A parent that died must not leave the reader held.
      process.once('disconnect', () => callback('interrupted'));
    },
    close() {
      if (process.connected) process.disconnect();
    },
  };
}
