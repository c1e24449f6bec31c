// Scenarios are data: what the holder does, what the contender does, what
// each platform is expected to answer, and which known bug each deviation is.
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';

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

export interface Scenario {
  id: string;
  title: string;
  /** The bug or behaviour the scenario targets, in one sentence. */
  summary: string;
  holder: { mode: ShareMode };
  contender: { mode: ShareMode; protocol: ProtocolChoice };
  expected: Partial<Record<PlatformId, Outcome>>;
  /** Observed outcome → the known bug it is the signature of. */
  signatures: { observed: Outcome; bug: KnownBug }[];
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'error' || (b.kind === 'error' && a.name === b.name);
}
