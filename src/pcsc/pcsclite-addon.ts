// The npm `pcsclite` addon itself: the only module that loads it, and the
// part of its interface this project uses (its own typings export no names
// and omit `readers`, `start` and the native classes).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { packageVersion } from '../core/version.js';
import { hint } from '../platform/hints.js';
import { BindingUnavailableError } from './adapter-common.js';

type Callback<T = void> = (err: unknown, value: T) => void;
export type StartCallback = (err: unknown, data?: Buffer) => void;

export interface NativeCardReader {
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_PROTOCOL_RAW: number;
  _connect(shareMode: number, protocols: number, callback: Callback<number>): void;
  _disconnect(disposition: number, callback: (err: unknown) => void): void;
  _transmit(data: Buffer, responseLength: number, protocol: number, callback: Callback<Buffer>): void;
  close(): void;
}

export interface ListedReader extends NativeCardReader, NodeJS.EventEmitter {
  name: string;
}

export interface Monitor extends NodeJS.EventEmitter {
  readers: Record<string, ListedReader>;
  start(callback: StartCallback): void;
  close(): void;
}

export interface PcscliteAddon {
  /** The addon's factory: a context that lists readers once started. */
  monitor: () => Monitor;
  CardReader: new (name: string) => NativeCardReader;
}

let addon: PcscliteAddon | undefined;
export function loadAddon(): PcscliteAddon {
  if (addon) return addon;
  const require = createRequire(import.meta.url);
  try {
    const monitor = require('pcsclite') as () => Monitor;
    // The same native module the factory loaded; `bindings` finds it from the package root.
    const root = dirname(require.resolve('pcsclite/package.json'));
    const native = require('bindings')({ bindings: 'pcsclite', module_root: root }) as Omit<PcscliteAddon, 'monitor'>;
    addon = { monitor, CardReader: native.CardReader };
    return addon;
  } catch (error) {
    const installed = packageVersion('pcsclite') !== null;
    throw new BindingUnavailableError(
      installed
        ? `the pcsclite binding could not be loaded: its native build is missing, or was made for another Node.js (${firstLine(error)})`
        : 'the pcsclite binding is not installed (it is optional, and needs a C++ toolchain to build)',
      hint(installed ? 'addonBroken' : 'addonMissing'),
    );
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}
