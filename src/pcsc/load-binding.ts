// The one place a process picks its PC/SC binding, once, from its
// environment: `--binding` and `--pcsc-library` set it, and role processes
// inherit it. Each adapter is imported only when it is the one tried, and the
// pcsclite adapter is handed what its addon lacks as an AddonComplement, so no
// adapter imports the other.
import { reportFor, UsageError } from '../core/errors.js';
import { packageVersion } from '../core/version.js';
import type { AddonComplement, Binding, BindingDiagnosis, BindingName, BindingSetting, PcscContext, ThirdPartyCalls } from './binding.js';
import { activeLayout, LAYOUT_ENV, LAYOUT_IDS, layoutFor, layoutOverride } from './ffi-layouts.js';

/** Outside pcsc/, a binding that cannot load is told apart by this error alone. */
export { BindingUnavailableError } from './adapter-common.js';

export const BINDING_NAMES = ['pcsclite', 'ffi'] as const satisfies readonly BindingName[];

/** The platform interfaces a BindingInfo names (its `layout`), for code outside pcsc/ that checks one. */
export { LAYOUT_IDS } from './ffi-layouts.js';

/** Where the choice comes from: `--binding` and `--pcsc-library` set these, and role processes inherit them. */
export const BINDING_ENV = { name: 'SC_REPRO_BINDING', library: 'SC_REPRO_PCSC_LIBRARY' } as const;

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

let loaded: Promise<Binding> | undefined;

/**
 * The binding this process uses. `auto` takes pcsclite when it loads, else
 * ffi; `--pcsc-library` and SC_REPRO_FFI_LAYOUT mean ffi.
 */
export function binding(): Promise<Binding> {
  loaded ??= load(bindingSetting());
  return loaded;
}

/** Whether the setting leaves the npm addon out: another library or another interface is only reached through ffi. */
const ffiOnly = (setting: BindingSetting): boolean => setting.choice === 'ffi' || !!setting.library || !!setting.layout;

async function load(setting: BindingSetting): Promise<Binding> {
  const ffi = async () => (await import('./ffi-adapter.js')).ffiBinding(setting.library);
  if (ffiOnly(setting)) return ffi();
  const { pcscliteBinding } = await import('./pcsclite-adapter.js');
  try {
    return pcscliteBinding(platformLibraryComplement());
  } catch (error) {
    if (setting.choice === 'pcsclite') throw error;
    return ffi();
  }
}

/**
 * What the addon lacks, made by the platform's own library through ffi (the
 * addon runs only when no other library or interface is set). koffi loads at
 * the first call: a process that only connects never loads it.
 */
function platformLibraryComplement(): AddonComplement {
  const ffi = async () => (await import('./ffi-adapter.js')).ffiBinding(null);
  return {
    openContext: async () => (await ffi()).openContext(),
    connectAlone: async (reader, mode, protocol) => (await ffi()).connectAlone(reader, mode, protocol),
    openStateQuery: async () => (await ffi()).openStateQuery(),
    serviceFailure: async () => (await ffi()).serviceFailure(),
    readerAttributes: async (reader, names) => (await ffi()).readerAttributes(reader, names),
  };
}

let thirdParty: Promise<ThirdPartyCalls> | undefined;

/**
 * A third party's calls (the instant view, the service check, a reader's
 * attributes), as this process's binding makes them, without loading the npm
 * addon when that binding is it: the addon has none of these calls and hands
 * them to the platform library through ffi, which is what this returns then.
 * An observer that only looks never loads the addon.
 */
export function thirdPartyCalls(): Promise<ThirdPartyCalls> {
  thirdParty ??= ffiOnly(bindingSetting()) ? binding() : Promise.resolve(platformLibraryComplement());
  return thirdParty;
}

/** A context of this process's binding. */
export async function openContext(): Promise<PcscContext> {
  return (await binding()).openContext();
}

/** The service check of this process's binding (see ThirdPartyCalls). */
export const serviceFailure: ThirdPartyCalls['serviceFailure'] = async () => (await thirdPartyCalls()).serviceFailure();

/** A reader's attributes through this process's binding (see ThirdPartyCalls). */
export const readerAttributes: ThirdPartyCalls['readerAttributes'] = async (reader, names) =>
  (await thirdPartyCalls()).readerAttributes(reader, names);

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
  const triesAddon = !ffiOnly(setting);
  let addonError: string | null = null;
  if (triesAddon) {
    try {
      (await import('./pcsclite-adapter.js')).pcscliteBinding(platformLibraryComplement());
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

/** Native handles the binding could not close (see handles-left-open.ts): while any is open, the process does not end by itself. */
export { handlesLeftOpen } from './handles-left-open.js';
