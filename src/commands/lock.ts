import { EXIT } from '../core/exit-codes.js';
import { interruptSignal } from '../core/interrupt.js';
import type { ShareMode } from '../pcsc/constants.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { hold, type HolderEvent } from '../roles/holder.js';
import { waitingText } from '../render/card-wait.js';
import { renderHolderEvent, startCountdown } from '../render/lock-text.js';
import { renderJson } from '../render/json.js';

export interface LockCommandOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  holdSeconds: number;
  json: boolean;
  /** With no card in the reader, wait this long for one. */
  waitCardSeconds?: number;
}

export async function lockCommand(options: LockCommandOptions): Promise<number> {
  const interrupt = interruptSignal();
  const countdown = options.json ? undefined : await startCountdown();
  const onEvent = (event: HolderEvent) => {
    if (event.type === 'held') countdown?.start(options.holdSeconds * 1000);
    if (event.type === 'released') countdown?.stop();
    if (!options.json) process.stdout.write(renderHolderEvent(event));
  };
  try {
    const result = await hold({
      reader: options.reader,
      mode: options.mode,
      holdMs: options.holdSeconds * 1000,
      release: interrupt.signal,
      onEvent,
      cardWait: {
        waitCardSeconds: options.waitCardSeconds,
        onWaitingForCard: (reader, seconds) => countdown?.waiting(waitingText(reader, seconds)),
      },
    });
    const exitCode = interrupt.exitCode() ?? EXIT.ok;
    if (options.json) process.stdout.write(renderJson('lock', exitCode, result));
    return exitCode;
  } finally {
    countdown?.stop();
  }
}
