// What both adapters and the loader share. It imports no adapter and not the
// loader, only the leaf data of pcsc/ (constants, and binding.ts's types), so
// no module of pcsc/ loads another through it.
import { EnvironmentError } from '../core/errors.js';
import type { ReaderStatus } from './binding.js';
import { decodeReaderState, formatAtr } from './constants.js';

/** A binding that cannot be loaded: exit 2, with what to do. */
export class BindingUnavailableError extends EnvironmentError {
  override name = 'BindingUnavailableError';
}

export function readerStatus(reader: string, state: number, atr: Buffer | undefined): ReaderStatus {
  const flags = decodeReaderState(state);
  return { reader, state, flags, cardPresent: flags.includes('PRESENT'), atr: formatAtr(atr) };
}
