// Opens a PC/SC context and guarantees it is closed afterwards, whatever the
// work did. The binding is imported lazily so that commands which never touch
// PC/SC start fast.
import type { ReaderSelector } from '../cli/options.js';
import type { PcscContext } from '../pcsc/scard.js';
import { selectReader } from './select-reader.js';

export async function withContext<T>(work: (context: PcscContext) => Promise<T>): Promise<T> {
  const { PcscContext } = await import('../pcsc/scard.js');
  const context = await PcscContext.open();
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

export function withReader<T>(
  selector: ReaderSelector | undefined,
  work: (context: PcscContext, reader: string) => Promise<T>,
): Promise<T> {
  return withContext((context) => work(context, selectReader(context.readers(), selector)));
}
