// What the rest of sc-repro knows of PC/SC: one interface, whichever library
// carries it. Two adapters implement it. `pcsclite` is the npm binding (a
// native addon, built at install); `ffi` calls the platform's own library
// through koffi (prebuilt, no compiler needed). Only pcsc/ knows which one
// runs; the choice is made once per process, from the environment.
import { EnvironmentError, reportFor, UsageError } from '../core/errors.js';
import { packageVersion } from '../core/version.js';
import {
  ATTRIBUTES,
  decodeReaderState,
  formatAtr,
  type AttributeName,
  type Disposition,
  type ProtocolChoice,
  type ReaderStateFlag,
  type ShareMode,
} from './constants.js';
import { activeLayout, LAYOUT_ENV, LAYOUT_IDS, layoutFor, layoutOverride, type LayoutId } from './ffi-layouts.js';
import { PcscError } from './pcsc-error.js';

export const BINDING_NAMES = ['pcsclite', 'ffi'] as const;
export type BindingName = (typeof BINDING_NAMES)[number];

/** What ran, for reports: the adapter, its package's version, the PC/SC library it called, and the platform interface it called it with. */
export interface BindingInfo {
  name: BindingName;
  version: string | null;
  library: string;
  layout: LayoutId;
}

export interface ReaderStatus {
  reader: string;
  state: number;
  flags: ReaderStateFlag[];
  cardPresent: boolean;
  atr: string | null;
}

export function readerStatus(reader: string, state: number, atr: Buffer | undefined): ReaderStatus {
  const flags = decodeReaderState(state);
  return { reader, state, flags, cardPresent: flags.includes('PRESENT'), atr: formatAtr(atr) };
}

/** SCardStatus on a card handle. */
export interface CardStatus {
  reader: string;
  /** pcsc-lite's bit flags (SCARD_PRESENT = 0x0004, ...), whatever form the library gave. */
  state: number;
  protocol: string;
  atr: string | null;
}

/** A card handle from SCardConnect. Every call throws a PcscError that carries the numeric code. */
export interface Connection {
  /** T0, T1, RAW, or `undefined` for a direct connection. */
  readonly protocolName: string;
  transmit(apdu: Buffer): Promise<Buffer>;
  beginTransaction(): Promise<void>;
  endTransaction(disposition: Disposition): Promise<void>;
  status(): Promise<CardStatus>;
  /** SCardReconnect; resolves with the protocol now active. */
  reconnect(mode: ShareMode, protocol: ProtocolChoice, initialization: Disposition): Promise<string>;
  getAttribute(attribute: number): Promise<Buffer>;
  disconnect(disposition: Disposition): Promise<void>;
}

/** Calls beyond transmit and disconnect that a connection will be asked for. */
export type ConnectionCall = 'transaction' | 'status' | 'reconnect' | 'attribute';

export interface ConnectOptions {
  calls?: readonly ConnectionCall[];
}

/** An SCardEstablishContext with the reader list and per-reader status on demand. */
export interface PcscContext {
  /** Reader names in the order the service lists them. */
  listReaders(): Promise<string[]>;
  /** The reader's first reported status. */
  status(reader: string, timeoutMs?: number): Promise<ReaderStatus>;
  /** The reader's status as soon as `accept` likes it, or the latest one after `timeoutMs`. */
  waitForStatus(reader: string, accept: (status: ReaderStatus) => boolean, timeoutMs: number): Promise<ReaderStatus>;
  /** Every later status of the reader, and null once the reader or the service is gone; returns the unsubscribe function. */
  watch(reader: string, listener: (status: ReaderStatus | null) => void): () => void;
  /** The error the service or the reader went away with, if it did. */
  failure(): Error | undefined;
  /** SCardConnect on the exact reader name. */
  connect(reader: string, mode: ShareMode, protocol: ProtocolChoice, options?: ConnectOptions): Promise<Connection>;
  /** SCardGetStatusChange from the reader's present state: resolves on a change, rejects with SCARD_E_TIMEOUT after `timeoutMs`, or SCARD_E_CANCELLED. */
  waitForChange(reader: string, timeoutMs: number): Promise<void>;
  /** SCardCancel: ends this context's blocking calls. */
  cancel(): Promise<void>;
  /** Leaves open connections with SCARD_LEAVE_CARD and releases everything. */
  close(): Promise<void>;
}

/** A third party's instant view of readers, on a context of its own. */
export interface StateQuery {
  listReaders(): string[];
  /** SCardGetStatusChange, current state UNAWARE, timeout 0. */
  readerState(reader: string): { state: number; atr: Buffer };
  close(): void;
}

export interface Binding {
  readonly info: BindingInfo;
  /** A context; it is established once it is used. */
  openContext(): Promise<PcscContext>;
}

/** Where the choice comes from: `--binding` and `--pcsc-library` set these, and role processes inherit them. */
export const BINDING_ENV = { name: 'SC_REPRO_BINDING', library: 'SC_REPRO_PCSC_LIBRARY' } as const;

export interface BindingSetting {
  choice: BindingName | 'auto';
  /** Another PC/SC client library for ffi. */
  library: string | null;
  /** SC_REPRO_FFI_LAYOUT: ffi calls its library with that platform's interface. */
  layout: LayoutId | null;
}

export function bindingSetting(env: NodeJS.ProcessEnv = process.env): BindingSetting {
  const name = env[BINDING_ENV.name]?.trim().toLowerCase() || 'auto';
  const choice = BINDING_NAMES.find((candidate) => candidate === name) ?? (name === 'auto' ? 'auto' : null);
  if (!choice) throw new UsageError(`${BINDING_ENV.name} must be one of auto, ${BINDING_NAMES.join(', ')}, got '${env[BINDING_ENV.name]}'`);
  const library = env[BINDING_ENV.library]?.trim() || null;
  if (library && choice === 'pcsclite') throw new UsageError('--pcsc-library is loaded through ffi: leave out --binding pcsclite');
  const layout = layoutOverride(env);
  if (layout === undefined) throw new UsageError(`${LAYOUT_ENV} must be one of ${LAYOUT_IDS.join(', ')}, got '${env[LAYOUT_ENV]}'`);
  if (layout && choice === 'pcsclite')
    throw new UsageError(`${LAYOUT_ENV} sets the interface of the ffi binding: leave out --binding pcsclite`);
  return { choice, library, layout };
}

/** A binding that cannot be loaded: exit 2, with what to do. */
export class BindingUnavailableError extends EnvironmentError {
  override name = 'BindingUnavailableError';
}

let loaded: Promise<Binding> | undefined;

/**
 * The binding this process uses. `auto` takes pcsclite when it loads, else
 * ffi; `--pcsc-library` and SC_REPRO_FFI_LAYOUT mean ffi.
 */
export function binding(): Promise<Binding> {
  loaded ??= load(bindingSetting());
  return loaded;
}

async function load(setting: BindingSetting): Promise<Binding> {
  const ffi = async () => (await import('./ffi-adapter.js')).ffiBinding(setting.library);
  if (setting.choice === 'ffi' || setting.library || setting.layout) return ffi();
  const { pcscliteBinding } = await import('./pcsclite-adapter.js');
  try {
    return pcscliteBinding();
  } catch (error) {
    if (setting.choice === 'pcsclite') throw error;
    return ffi();
  }
}

export async function openContext(): Promise<PcscContext> {
  return (await binding()).openContext();
}

/**
 * A third party's view. The addon has no instant state query, so this is
 * always the system library (or --pcsc-library) through ffi: a process that
 * only observes never loads the addon.
 */
export async function openStateQuery(): Promise<StateQuery> {
  return (await import('./ffi-adapter.js')).openStateQuery(bindingSetting().library);
}

/**
 * Whether the service answers a new context now: the error it gives
 * (SCARD_E_NO_SERVICE once pcscd is gone), or null. A bare
 * SCardEstablishContext, through ffi: anything more fails in other ways
 * while the service goes down.
 */
export async function serviceFailure(): Promise<PcscError | null> {
  return (await import('./ffi-adapter.js')).serviceFailure(bindingSetting().library);
}

/**
 * The reader's own attributes, read on a direct connection (no card needed)
 * through ffi: each one the driver gives, raw. The connection is left with
 * SCARD_LEAVE_CARD at once; none of this disturbs a card in the reader.
 */
export async function readerAttributes(reader: string, names: readonly AttributeName[]): Promise<Partial<Record<AttributeName, Buffer>>> {
  const connection = await (await import('./ffi-adapter.js')).connectAlone(bindingSetting().library, reader, 'direct', 'any');
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

/** What `sc-repro doctor` says of the binding: the one this process uses, why, and whether it loads. */
export interface BindingDiagnosis {
  /** The binding that loaded, or the one that would have been used and did not load. */
  chosen: BindingName;
  /** In words, from the setting and the addon: "pcsclite is not installed, so ffi". */
  why: string;
  loaded: boolean;
  /** The PC/SC library it opens (or would open), as given to the loader. */
  library: string;
  layout: LayoutId;
  /** The installed packages' versions; null when one is not installed. */
  versions: { koffi: string | null; pcsclite: string | null };
  /** Why the addon did not load, when it was tried. */
  addonError?: string;
  /** Why the chosen binding did not load, and what to do. */
  error?: { message: string; hint?: string };
}

/**
 * Which binding `load` takes for a setting, and why, in the order `load`
 * decides: `addon` is what trying the npm addon gave (not tried: null).
 */
export function bindingChoice(
  setting: BindingSetting,
  addon: { installed: boolean; error: string | null } | null,
): { chosen: BindingName; why: string } {
  if (setting.choice === 'ffi') return { chosen: 'ffi', why: `${BINDING_ENV.name}=ffi (what --binding ffi sets), so ffi` };
  if (setting.library)
    return { chosen: 'ffi', why: `--pcsc-library (${BINDING_ENV.library}) is set, and that library is loaded through ffi` };
  if (setting.layout) return { chosen: 'ffi', why: `${LAYOUT_ENV}=${setting.layout} is set, so ffi` };
  if (setting.choice === 'pcsclite')
    return { chosen: 'pcsclite', why: `${BINDING_ENV.name}=pcsclite (what --binding pcsclite sets), so pcsclite` };
  if (!addon?.error) return { chosen: 'pcsclite', why: 'the pcsclite addon loads, so pcsclite (auto)' };
  const why = addon.installed
    ? 'the pcsclite addon is installed but does not load, so ffi (auto)'
    : 'pcsclite is not installed, so ffi (auto)';
  return { chosen: 'ffi', why };
}

/**
 * The binding this process uses and why, loaded the way `binding()` loads it
 * (so a later `openContext()` uses the same one). A binding that does not
 * load is reported, not thrown; a setting that is not valid is still a
 * UsageError, as for every command.
 */
export async function bindingDiagnosis(): Promise<BindingDiagnosis> {
  const setting = bindingSetting();
  const versions = { koffi: packageVersion('koffi'), pcsclite: packageVersion('pcsclite') };
  const triesAddon = setting.choice !== 'ffi' && !setting.library && !setting.layout;
  let addonError: string | null = null;
  if (triesAddon) {
    try {
      (await import('./pcsclite-adapter.js')).pcscliteBinding();
    } catch (error) {
      addonError = reportFor(error).message;
    }
  }
  const addon = triesAddon ? { installed: versions.pcsclite !== null, error: addonError } : null;
  const { chosen, why } = bindingChoice(setting, addon);
  const layout = chosen === 'ffi' ? activeLayout() : layoutFor();
  const fallback = { library: (chosen === 'ffi' ? setting.library : null) ?? layout.library, layout: layout.id };
  const diagnosis: BindingDiagnosis = { chosen, why, loaded: false, ...fallback, versions, ...(addonError ? { addonError } : {}) };
  try {
    const { info } = await binding();
    return { ...diagnosis, loaded: true, chosen: info.name, library: info.library, layout: info.layout };
  } catch (error) {
    const { message, hint } = reportFor(error);
    return { ...diagnosis, error: { message, ...(hint ? { hint } : {}) } };
  }
}
