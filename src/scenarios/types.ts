// Scenarios are data: what the holder does, what the contender does, what
// each platform is expected to answer, and which known bug each deviation is.
import type { Disposition, ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { formatHex } from '../pcsc/return-codes.js';
import type { PlatformId } from '../platform/platform-id.js';

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

/** An outcome by one name: a PC/SC return code's name, `blocked`, or `none` when there was no answer. */
export function outcomeName(outcome: Outcome | null): string {
  if (!outcome) return 'none';
  if (outcome.kind === 'success') return 'SCARD_S_SUCCESS';
  return outcome.kind === 'blocked' ? 'blocked' : outcome.name;
}

/** The outcome a recorded call stands for: success or its code's name. */
export function outcomeOfCall(call: { rv: number; name: string | null }): Outcome {
  return call.rv === 0 ? { kind: 'success' } : { kind: 'error', name: call.name ?? formatHex(call.rv) };
}
