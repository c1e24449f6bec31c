import type { ReaderSelector } from '../cli/options.js';
import type { ShareMode } from '../pcsc/constants.js';
import { hold, type HolderEvent } from '../roles/holder.js';
import { roleChannel } from '../roles/ipc.js';
import { serveHolder } from '../roles/served-roles.js';
import { interruptSignal } from '../cli/run-command.js';
import { EXIT } from '../cli/exit-codes.js';
import { renderHolderEvent, startCountdown } from '../render/lock-text.js';
import { waitingText } from '../render/card-wait.js';

export interface LockCommandOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  holdSeconds: number;
  json: boolean;
  /** Kept warm by the orchestrator: hold and release on request (IPC). */
  serve?: boolean;
  /** With no card in the reader, wait this long for one. */
  waitCardSeconds?: number;
}

export async function lockCommand(options: LockCommandOptions): Promise<number> {
  if (options.serve) return serveHolder(options.reader, options.waitCardSeconds);
  const interrupt = interruptSignal();
  const release = new AbortController();
  interrupt.signal.addEventListener('abort', () => release.abort('interrupted'));
  const channel = roleChannel();
  channel.onRelease((reason) => release.abort(reason));
  const countdown = options.json ? undefined : await startCountdown();

  const onEvent = (event: HolderEvent) => {
    channel.send(event);
    if (event.type === 'held') countdown?.start(options.holdSeconds * 1000);
    if (event.type === 'released') countdown?.stop();
    if (!options.json) process.stdout.write(renderHolderEvent(event));
  };
  try {
    const result = await hold({
      reader: options.reader,
      mode: options.mode,
      holdMs: options.holdSeconds * 1000,
      release: release.signal,
      onEvent,
      cardWait: { waitCardSeconds: options.waitCardSeconds, onWaitingForCard: (reader, seconds) => countdown?.waiting(waitingText(reader, seconds)) },
    });
    if (options.json) process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
    return interrupt.exitCode() ?? EXIT.ok;
  } finally {
    countdown?.stop();
    channel.close();
  }
}
