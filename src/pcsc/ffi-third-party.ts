// The ffi binding's calls for a third party (ThirdPartyCalls), each on a
// context of its own: the instant view of readers, the bare service check,
// and a reader's attributes on a direct connection. The pcsclite adapter is
// given these too, through the loader: its addon has none of them.
import type { StateQuery, ThirdPartyCalls } from './binding.js';
import { ATTRIBUTES, type AttributeName } from './constants.js';
import { FfiContext } from './ffi-context.js';
import type { LibraryApi } from './ffi-library.js';
import { PcscError } from './pcsc-error.js';

/** The third party's view: a context of its own, used for instant looks only. */
class FfiStateQuery implements StateQuery {
  constructor(private readonly context: FfiContext) {}
  listReaders(): string[] {
    return this.context.readerNames();
  }
  readerState(reader: string): { state: number; atr: Buffer } {
    return this.context.readerState(reader);
  }
  close(): void {
    this.context.release();
  }
}

async function readerAttributes(
  api: LibraryApi,
  reader: string,
  names: readonly AttributeName[],
): Promise<Partial<Record<AttributeName, Buffer>>> {
  const connection = await FfiContext.connectAlone(api, reader, 'direct', 'any');
  const values: Partial<Record<AttributeName, Buffer>> = {};
  try {
    for (const name of names) {
      try {
        values[name] = await connection.getAttribute(ATTRIBUTES[name]);
      } catch (error) {
        // A driver that does not know the attribute says so with a PC/SC code; anything else is a real failure.
        if (!PcscError.from(error)) throw error;
      }
    }
  } finally {
    await connection.disconnect('leave').catch(() => {});
  }
  return values;
}

/** A third party's calls, through the library `api` loaded. */
export function thirdPartyCalls(api: LibraryApi): ThirdPartyCalls {
  return {
    openStateQuery: async () => new FfiStateQuery(FfiContext.open(api)),
    serviceFailure: async () => {
      try {
        FfiContext.open(api).release();
        return null;
      } catch (error) {
        return PcscError.from(error) ?? null;
      }
    },
    readerAttributes: (reader, names) => readerAttributes(api, reader, names),
  };
}
