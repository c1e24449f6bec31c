// The npm `pcsclite` addon itself: the only module that loads it, and the
// part of its interface this project uses (its own typings export no names
// and omit `readers`, `start` and the native classes).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  /** The package's version, read where the addon was found. */
  version?: string | null;
}

let addon: PcscliteAddon | undefined;
export function loadAddon(): PcscliteAddon {
  if (addon) return addon;
  const require = createRequire(import.meta.url);
  const unavailable = (error: unknown) => {
    const installed = packageVersion('pcsclite') !== null;
    return new BindingUnavailableError(
      installed
        ? `the pcsclite binding could not be loaded: its native build is missing, or was made for another Node.js (${firstLine(error)})`
        : 'the pcsclite binding is not installed (it is optional, and needs a C++ toolchain to build)',
      hint(installed ? 'addonBroken' : 'addonMissing'),
    );
  };
  try {
    const packageJson = require.resolve('pcsclite/package.json');
    const root = dirname(packageJson);
    const native = loadNative(require, root);
    // The factory's module makes the native classes event emitters and lists readers: only a listing needs it, and a
    // role, which connects by name, never loads it.
    const monitor = () => {
      try {
        return (require('pcsclite') as () => Monitor)();
      } catch (error) {
        throw unavailable(error);
      }
    };
    addon = { monitor, CardReader: native.CardReader, version: versionIn(packageJson) };
    return addon;
  } catch (error) {
    throw unavailable(error);
  }
}

/**
 * The native module, where node-gyp builds it; else wherever `bindings` finds it. `bindings` alone costs a role
 * a few milliseconds: it finds the package's root from a stack trace and tries a dozen paths.
 */
function loadNative(require: NodeJS.Require, root: string): Omit<PcscliteAddon, 'monitor'> {
  try {
    return require(join(root, 'build', 'Release', 'pcsclite.node')) as Omit<PcscliteAddon, 'monitor'>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return require('bindings')({ bindings: 'pcsclite', module_root: root }) as Omit<PcscliteAddon, 'monitor'>;
  }
}

function versionIn(packageJson: string): string | null {
  try {
    const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}
