// Scenarios are data: what the holder does, what the contender does, whose
// call is judged, what each platform is expected to answer, and which known
// bug each deviation is. The roles carry the steps out; nothing here says how.
import type { AttributeName, Disposition, ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { formatHex } from '../pcsc/return-codes.js';
import type { PlatformId } from '../platform/platform-id.js';

/**
 * What a judged call did: succeeded (with the protocol it reported, when a
 * scenario cares), returned a PC/SC code, or waited for the holder. A blocked
 * act names the call that waited (and its share mode), which need not be the
 * judged one: a known bug is the signature of one call blocking, not another.
 */
export type Outcome =
  | { kind: 'success'; protocol?: string }
  | { kind: 'error'; name: string }
  | { kind: 'blocked'; call?: string; mode?: ShareMode }
  | { kind: 'answered' };

/** `answered` is only ever a pattern: any answer, as long as the call did not wait (what a source says of a call that "does not block"). */

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

/**
 * One PC/SC call a role makes on its own handle (SCardConnect opens it), as
 * data. A step that is not judged must succeed for the scenario to go on,
 * unless `anyAnswer`: then making the call is all the scenario needs of it.
 */
export type Step = StepCall & { anyAnswer?: boolean };

type StepCall =
  | { call: 'SCardConnect'; mode: ShareMode; protocol?: ProtocolChoice }
  | { call: 'SCardDisconnect'; disposition: Disposition }
  | { call: 'SCardTransmit' }
  | { call: 'SCardStatus' }
  | { call: 'SCardReconnect'; mode: ShareMode; protocol?: ProtocolChoice; initialization: Disposition }
  | { call: 'SCardGetAttrib'; attribute: AttributeName }
  | { call: 'SCardBeginTransaction' }
  | { call: 'SCardEndTransaction'; disposition: Disposition }
  /** A blocking SCardGetStatusChange on the role's context, which the role then cancels: the wait's answer is the step's. */
  | { call: 'SCardCancel' };

/** How the holder takes the reader before it reports it held. */
export interface HolderPlan {
  mode: ShareMode;
  /** Send one APDU after connecting. */
  transmit?: boolean;
  /** Hold a PC/SC transaction (SCardBeginTransaction) for the whole hold. */
  transaction?: boolean;
}

/** What the contender does. It leaves any handle it still has with SCARD_LEAVE_CARD afterwards. */
export interface ContenderPlan {
  /** Made before the holder takes the reader, so that a handle already exists when the hold begins. */
  before?: Step[];
  /** Made while the reader is held (or once it is let go, when the scenario says so). */
  act: Step[];
}

/** Whose call is judged. */
export type Judged =
  /** The contender's last act step. */
  | { role: 'contender' }
  /** The holder's own call, made after the contender acted, or while the contender's act still waits. */
  | { role: 'holder'; step: Step; whileContenderWaits?: boolean };

export interface Signature {
  observed: Outcome;
  bug: KnownBug;
  /**
   * The stacks the bug is of, when it is one stack's own history (an old
   * pcsc-lite release): elsewhere the same answer may be what that platform
   * documents (Snow Leopard's SCardTransmit did not wait). Absent: any stack.
   */
  platforms?: readonly PlatformId[];
}

export interface Scenario {
  id: string;
  title: string;
  /** The bug or behaviour the scenario targets, in one sentence. */
  summary: string;
  holder: HolderPlan;
  contender: ContenderPlan;
  judge: Judged;
  /** The contender acts once the holder has let go: the scenario is about what the hold left behind. */
  contenderActsAfterRelease?: boolean;
  /** What happens to the card after the contender acted and before the holder's judged call. */
  card?: 'removed' | 'removed-and-reinserted';
  /** Per platform; a platform left out has no reference and is never guessed. */
  expected: Partial<Record<PlatformId, Outcome>>;
  /** Observed outcome → the known bug it is the signature of. */
  signatures: Signature[];
}

/** Whether `observed` is what `pattern` describes: a pattern's protocol, when it names one, must match too. */
export function matchesOutcome(pattern: Outcome, observed: Outcome): boolean {
  if (pattern.kind === 'answered') return observed.kind !== 'blocked';
  if (pattern.kind !== observed.kind) return false;
  if (pattern.kind === 'error') return observed.kind === 'error' && pattern.name === observed.name;
  if (pattern.kind === 'success' && pattern.protocol !== undefined)
    return observed.kind === 'success' && observed.protocol === pattern.protocol;
  if (pattern.kind === 'blocked' && observed.kind === 'blocked') {
    return (pattern.call === undefined || pattern.call === observed.call) && (pattern.mode === undefined || pattern.mode === observed.mode);
  }
  return true;
}

/** An outcome by one name: a PC/SC return code's name, `blocked`, or `none` when there was no answer. */
export function outcomeName(outcome: Outcome | null): string {
  if (!outcome) return 'none';
  if (outcome.kind === 'success')
    return outcome.protocol === undefined ? 'SCARD_S_SUCCESS' : `SCARD_S_SUCCESS (protocol ${outcome.protocol})`;
  if (outcome.kind === 'answered') return 'answered (not blocked)';
  return outcome.kind === 'blocked' ? 'blocked' : outcome.name;
}

/** The outcome a recorded call stands for: success (with its protocol, if it reported one) or its code's name. */
export function outcomeOfCall(call: { rv: number; name: string | null; protocol?: string }): Outcome {
  if (call.rv !== 0) return { kind: 'error', name: call.name ?? formatHex(call.rv) };
  return call.protocol === undefined ? { kind: 'success' } : { kind: 'success', protocol: call.protocol };
}

/** A step as a person reads it: `SCardConnect(SHARED)`, `SCardEndTransaction(SCARD_UNPOWER_CARD)`. */
export function describeStep(step: Step): string {
  switch (step.call) {
    case 'SCardConnect':
      return `SCardConnect(${step.mode.toUpperCase()}${step.protocol && step.protocol !== 'any' ? `, ${step.protocol.toUpperCase()}` : ''})`;
    case 'SCardReconnect':
      return `SCardReconnect(${step.mode.toUpperCase()}, SCARD_${step.initialization.toUpperCase()}_CARD)`;
    case 'SCardDisconnect':
    case 'SCardEndTransaction':
      return `${step.call}(SCARD_${step.disposition.toUpperCase()}_CARD)`;
    case 'SCardGetAttrib':
      return `SCardGetAttrib(${step.attribute})`;
    case 'SCardCancel':
      return 'SCardGetStatusChange (waiting for a change), ended by SCardCancel on the same context';
    default:
      return step.call;
  }
}
