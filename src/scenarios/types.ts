// Scenarios are data: what the holder does, what the contender does, what
// each platform is expected to answer, and which known bug each deviation is.
import type { Disposition, ProtocolChoice, ShareMode } from '../pcsc/constants.js';

export const PLATFORMS = ['linux-pcsclite', 'macos', 'windows'] as const;
export type PlatformId = (typeof PLATFORMS)[number];

export function platformId(platform: string = process.platform): PlatformId | null {
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  // Every other Unix talks to pcsc-lite.
  return platform === 'linux' || platform.endsWith('bsd') ? 'linux-pcsclite' : null;
}

/** What the contender's call did: succeeded, returned a PC/SC code, or had not returned in time. */
export type Outcome = { kind: 'success' } | { kind: 'error'; name: string } | { kind: 'blocked' };

export interface KnownBug {
  id: string;
  title: string;
  vendor: string;
  vendorBug: string;
  duplicateOf?: string;
  affects: string;
  fixedIn?: string;
  reference: string;
}

/** What the holder does before it reports the reader held. */
export interface HolderPlan {
  mode: ShareMode;
  /** Send one APDU after connecting (and again when the scenario observes the holder). */
  transmit?: boolean;
  /** Hold a PC/SC transaction (SCardBeginTransaction) for the whole hold. */
  transaction?: boolean;
}

/** What the contender does while the reader is held. */
export interface ContenderPlan {
  mode: ShareMode;
  protocol: ProtocolChoice;
  /** How the contender leaves a connection that succeeded (default: leave the card). */
  disposition?: Disposition;
}

export interface Signature {
  observed: Outcome;
  bug: KnownBug;
}

export interface Scenario {
  id: string;
  title: string;
  /** The bug or behaviour the scenario targets, in one sentence. */
  summary: string;
  holder: HolderPlan;
  contender: ContenderPlan;
  /**
   * Whose call is judged: the contender's SCardConnect, or the holder's next
   * SCardTransmit after the contender acted.
   */
  observe: 'contender-connect' | 'holder-transmit';
  /** Per platform; a platform left out has no reference and is never guessed. */
  expected: Partial<Record<PlatformId, Outcome>>;
  /** Observed outcome → the known bug it is the signature of. */
  signatures: Signature[];
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'error' || (b.kind === 'error' && a.name === b.name);
}
