// Opens a PC/SC context and guarantees it is closed afterwards, whatever the
// work did. The binding is imported lazily so that commands which never touch
// PC/SC start fast.
import type { PcscContext } from '../pcsc/binding.js';
import { openContext } from '../pcsc/load-binding.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { selectReader, type ReaderSelector } from '../pcsc/select-reader.js';

export async function withContext<T>(work: (context: PcscContext) => Promise<T>): Promise<T> {
  const context = await openContext();
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

export interface CardWait {
  /** With no card in the reader, wait this long for one (--wait-card); 0 fails at once. */
  waitCardSeconds?: number;
  /** Called once when the wait starts; what it returns is called when the wait ends. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that shows nothing may return nothing
  onWaitingForCard?: (reader: string, seconds: number) => (() => void) | void;
}

/** The reader a selector picks, on a context of its own (the manual commands). */
export function withReader<T>(
  selector: ReaderSelector | undefined,
  work: (context: PcscContext, reader: string) => Promise<T>,
  cardWait: CardWait = {},
): Promise<T> {
  return withContext(async (context) => {
    const reader = selectReader(await context.listReaders(), selector);
    if (cardWait.waitCardSeconds) await waitForCard(context, reader, cardWait.waitCardSeconds, cardWait.onWaitingForCard);
    return work(context, reader);
  });
}

async function waitForCard(context: PcscContext, reader: string, seconds: number, onWaiting: CardWait['onWaitingForCard']): Promise<void> {
  if ((await context.status(reader)).cardPresent) return;
  const done = onWaiting?.(reader, seconds);
  try {
    const status = await context.waitForStatus(reader, (s) => s.cardPresent, seconds * 1000);
    if (!status.cardPresent) {
      throw PcscError.named(
        'SCARD_E_NO_SMARTCARD',
        'SCardGetStatusChange',
        `no card was inserted into ${JSON.stringify(reader)} within ${seconds} s`,
      );
    }
  } finally {
    done?.();
  }
}
