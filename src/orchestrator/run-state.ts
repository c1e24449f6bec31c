// The facts of one repetition as its steps gather them, and where its hold
// is. The hold moves one way through named transitions (taken, release
// asked, released); the end of --hold is a timer that asks for the release,
// and the steps read the phase instead of flags.
import { epochMs } from '../core/bounded-wait.js';
import { isShareMode, type ShareMode } from '../pcsc/constants.js';
import { codeJson } from '../pcsc/pcsc-error.js';
import type { CallRecord, MessageOf, RoleName } from '../roles/protocol.js';
import type { Outcome } from '../scenarios/types.js';
import type { Wait } from './mailbox.js';
import type { ReaderObserver } from './observer.js';
import { NO_HANDLES, type RoleHandles } from './reader-accounting.js';
import type { ContenderLink, HolderLink } from './role-process.js';
import {
  emptyEvidence,
  emptyTimeline,
  type Evidence,
  type Observed,
  type RoleCall,
  type RunOptions,
  type RunResult,
  type Timeline,
} from './run-types.js';
import type { RolePair } from './warm-roles.js';

export class Inconclusive extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
    readonly environmentLost = false,
  ) {
    super(message);
  }
}

/**
 * How far the stamps of two processes may disagree beyond what each role said
 * of its own clock (epochMs aligns an undisturbed process to microseconds;
 * one descheduled through every try of its anchor knows its stamps less well).
 */
const CLOCK_TOLERANCE_MS = 1;

export const isSuccess = (call: CallRecord) => call.rv === 0;

export function describeCall(role: RoleName, call: CallRecord): string {
  const code = codeJson(call.rv, call.call);
  return `the ${role}'s ${call.call} returned ${code.name ?? 'an unknown code'} (${code.hex})`;
}

/** When a call returned. */
export const returnedAt = (made: CallRecord) => made.startedAt + made.durationMs;
/** When the act's last call returned. */
export const actReturnedAt = (answer: MessageOf<'attempted'>) => {
  const last = answer.calls.at(-1);
  return last ? returnedAt(last) : answer.t;
};
export const lastCall = (answer: MessageOf<'attempted'>) => answer.calls.at(-1)?.call ?? 'act';

export type ReleaseWait = Wait<MessageOf<'released'> | MessageOf<'failed'>>;

/** What the scenario did to the card: once it took the card out, the hold's own checks stop. */
export type CardState = 'in-place' | 'taken-out' | 'put-back';

/**
 * Where the hold is. The release is asked for once, by the end of --hold,
 * by the blocked check, or after the answer; a hold that the holder must
 * prove itself is let go (`not-held`) and taken once more.
 */
export type HoldPhase =
  | { name: 'not-held' }
  | { name: 'held'; card: CardState }
  | { name: 'releasing'; card: CardState; reply: Promise<ReleaseWait> }
  | { name: 'released'; card: CardState; message: MessageOf<'released'> };

export class Run {
  readonly started = epochMs();
  readonly timeline: Timeline = emptyTimeline();
  readonly evidence: Evidence = emptyEvidence();
  proveByStatus: boolean;
  readonly reader: RunResult['reader'];
  readonly notes: string[] = [];
  readonly calls: RoleCall[] = [];
  observed: Observed | null = null;
  outcome: Outcome | null = null;
  /** When the answer came, or blocking was confirmed: the holder must still hold then. */
  answeredAt: number | null = null;
  /** A blocked act: when the holder began to let go, ms from the attempt. */
  releasedAfterAttemptMs: number | null = null;
  private holdPhase: HoldPhase = { name: 'not-held' };
  /** The end of --hold, while the reader is held. */
  private holdTimer: NodeJS.Timeout | undefined;
  /** The handles the roles have open now: what a third party may see on the reader. */
  readonly handles: RoleHandles = { ...NO_HANDLES };
  /** The share modes of the handles the roles closed since the third party last looked. */
  closedSinceLook: ShareMode[] = [];

  constructor(
    readonly options: RunOptions,
    readonly holder: HolderLink,
    readonly contender: ContenderLink,
    readonly observer: ReaderObserver,
    private readonly roles: RolePair,
    /**
     * The second hold of a blocked act: the holder keeps the reader this much
     * longer after the call was suspected blocked than in the first hold.
     */
    readonly holdLongerMs = 0,
  ) {
    this.reader = { name: options.reader, atr: null };
    this.proveByStatus = options.memory?.holdsUnseen.has(options.scenario.holder.mode) ?? false;
  }

  get phase(): HoldPhase {
    return this.holdPhase;
  }

  /** The holder asked to let go, or let go: the hold's checks are over and a later answer may have waited for the release. */
  get releaseAsked(): boolean {
    return this.holdPhase.name === 'releasing' || this.holdPhase.name === 'released';
  }

  /** The holder holds the reader with the card the hold began with: what the hold watch checks. */
  get holdWatched(): boolean {
    return this.holdPhase.name === 'held' && this.holdPhase.card === 'in-place';
  }

  /** The holder took the reader; the hold ends at --hold even if the contender is still busy, as lock.py's sleep did. */
  holdTaken(endsInMs: number): void {
    this.disarm();
    this.holdPhase = { name: 'held', card: 'in-place' };
    this.holdTimer = setTimeout(() => void this.requestRelease(), Math.max(0, endsInMs));
  }

  /** The holder lets go only to take the reader again and prove its hold itself. */
  heldAgainToProve(): void {
    this.disarm();
    this.holdPhase = { name: 'not-held' };
  }

  /** The release, asked for once; later asks get the same reply. */
  requestRelease(): Promise<ReleaseWait> {
    this.disarm();
    const phase = this.holdPhase;
    if (phase.name === 'releasing') return phase.reply;
    if (phase.name === 'released') return Promise.resolve({ message: phase.message });
    const reply = this.holder.ask({ type: 'release' }, this.timeoutMs);
    this.holdPhase = { name: 'releasing', card: phase.name === 'held' ? phase.card : 'in-place', reply };
    return reply;
  }

  /** The holder said it let go. */
  holdReleased(message: MessageOf<'released'>): void {
    const { card } = this.holdPhase.name === 'not-held' ? { card: 'in-place' as const } : this.holdPhase;
    this.holdPhase = { name: 'released', card, message };
  }

  /** The scenario takes the card out (or puts it back): the hold's own checks stop there. */
  cardIs(card: Exclude<CardState, 'in-place'>): void {
    if (this.holdPhase.name !== 'not-held') this.holdPhase = { ...this.holdPhase, card };
  }

  /** The card was taken out and is not back: the runs that follow need it. */
  get cardLeftOut(): boolean {
    return this.holdPhase.name !== 'not-held' && this.holdPhase.card === 'taken-out';
  }

  /** No timer outlives the hold, or the run. */
  disarm(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  restart(role: RoleName): Promise<void> {
    return this.roles.restart(role);
  }

  /** The contender up and ready: the run may have begun with the holder alone (rolesReady). */
  contenderReady(): Promise<void> {
    return this.roles.contenderReady();
  }

  /** Stamps of the holder and the contender are equal within this: the roles' own clock uncertainties and a margin. */
  get clockToleranceMs(): number {
    const { holder = 0, contender = 0 } = this.roles.clockUncertaintyMs;
    return CLOCK_TOLERANCE_MS + holder + contender;
  }

  /** The platform interface the holder calls its PC/SC library with (BindingInfo.layout), once it said. */
  get layout(): string | null {
    return this.roles.bindings.holder?.layout ?? null;
  }

  /** A second hold of the same scenario, on the same roles, whose facts are kept apart from this one's. */
  again(holdLongerMs = 0): Run {
    const next = new Run(this.options, this.holder, this.contender, this.observer, this.roles, holdLongerMs);
    next.proveByStatus = this.proveByStatus;
    return next;
  }

  /** Whole ms from the attempt to a wall-clock stamp of any process. */
  afterAttempt(epoch: number): number {
    return Math.round(epoch - (this.started + this.timeline.attempt!));
  }

  get timeoutMs(): number {
    return this.options.timeoutSeconds * 1000;
  }

  /** ms since the start of the repetition, from a wall-clock stamp of any process. */
  since(epoch: number): number {
    return epoch - this.started;
  }

  now(): number {
    return this.since(epochMs());
  }

  record(role: RoleName, calls: readonly CallRecord[]): void {
    this.calls.push(...calls.map((call) => ({ role, ...call })));
  }

  /** The contender's act came back: it has left every handle it had. */
  recordAct(answer: MessageOf<'attempted'>): void {
    this.record('contender', [...answer.calls, ...(answer.side ?? []), ...answer.cleanup]);
    const opened = answer.calls.filter((call) => call.call === 'SCardConnect' && isSuccess(call)).map((call) => call.args.mode);
    this.handleClosed('contender', ...opened.filter(isShareMode));
  }

  /** A role let go of its handle (and of any it opened and closed in between). */
  handleClosed(role: RoleName, ...modes: ShareMode[]): void {
    const mode = this.handles[role];
    this.closedSinceLook.push(...(mode ? [mode] : []), ...modes);
    this.handles[role] = null;
  }

  /** A failed call that does not break the precondition is a note, never the observation. */
  noteFailures(role: RoleName, calls: readonly CallRecord[]): void {
    for (const call of calls) if (!isSuccess(call)) this.notes.push(describeCall(role, call));
  }

  throwIfInterrupted(): void {
    if (this.options.signal?.aborted) throw new Inconclusive('interrupted');
  }
}
