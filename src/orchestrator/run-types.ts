// What one run of a scenario is given and what it gives back. Reports,
// renderers and commands read these types; none of them needs the engine
// that fills them in (run-scenario.ts).
import type { ShareMode } from '../pcsc/constants.js';
import type { PlatformId } from '../platform/platform-id.js';
import type { CallRecord, RoleName } from '../roles/protocol.js';
import type { Outcome, Scenario } from '../scenarios/types.js';
import type { Judgement } from '../scenarios/verdict.js';

export interface RunOptions {
  scenario: Scenario;
  /** The exact reader name the orchestrator chose; every role acts on it. */
  reader: string;
  holdSeconds: number;
  fullHold: boolean;
  timeoutSeconds: number;
  /** A call that has not returned after this long is suspected blocked (see BLOCKED_RULE). */
  blockedAfterSeconds: number;
  /** Ctrl-C: the roles are stopped and the run is inconclusive. */
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
  /** The platform whose expectations judge the run. */
  platform?: PlatformId | null;
  /** What earlier runs of the plan learned about the stack. */
  memory?: PlanMemory;
  /** Takes the card out and puts it back, for scenarios that need it; without it they are inconclusive. */
  card?: CardControl;
  /** Record every call of the roles and, when the run is given a tracer, of the observer. */
  trace?: boolean;
}

/** Card removal: the orchestrator's own virtual card, or the person at the terminal. */
export interface CardControl {
  remove(reader: string): Promise<void>;
  insert(reader: string): Promise<void>;
  /** The reader showed the change, or the wait ran out: a prompt stops its countdown. */
  settled?(): void;
  /** How long the reader may take to show the change. */
  withinMs: number;
  /**
   * The power changes the card heard of, in order, `at` in epochMs: only a
   * card that can tell (the built-in one) has them.
   */
  powerChanges?(): readonly CardPowerChange[];
}

export interface CardPowerChange {
  kind: 'off' | 'on' | 'reset';
  at: number;
}

/** What a run learns about the stack that the next runs of the plan use. */
export interface PlanMemory {
  /**
   * The holder's share modes whose hold the third party could not see as
   * such (neither mark, or INUSE for an exclusive holder): holds in these
   * modes are proved by the holder's own SCardStatus from the start.
   */
  holdsUnseen: Set<ShareMode>;
}

/** Milliseconds from the start of the repetition. */
export interface Timeline {
  holderStarted: number | null;
  readerHeld: number | null;
  contenderStarted: number | null;
  attempt: number | null;
  answer: number | null;
  holderReleased: number | null;
  /** The hold as the holder measured it. */
  holdMs: number | null;
  /** The judged call's own duration, measured inside the role that made it. */
  connectLatencyMs: number | null;
  totalMs: number;
}

export type Observed =
  | { ok: true; call: string; protocol?: string }
  | { ok: false; code: number; hex: string; name: string | null; message: string; call: string | null }
  | BlockedObservation;

/** A blocked act: the call that waited, with its share mode when it has one. */
export interface BlockedObservation {
  ok: false;
  call: string;
  mode?: ShareMode;
  blocked: true;
  afterMs: number;
  thenReturned: LateAnswer;
}

/** What a blocked call answered once the holder let go. */
export interface LateAnswer {
  ok: boolean;
  name: string;
  /** From the attempt to the return. */
  afterMs: number;
  /** From the end of the holder's release to the return. */
  afterReleaseMs: number;
}

export interface Evidence {
  /**
   * What proved the hold: a third party seeing EXCLUSIVE/INUSE (`observer`),
   * or, on a stack that cannot show the holder's share mode to third parties
   * (neither mark, or INUSE for an exclusive holder), the holder's own
   * SCardStatus on its handle after taking the reader and before letting go
   * (`holder`). readerStateWhileHeld says what the third party saw.
   */
  precondition: 'observer' | 'holder' | null;
  /** Reader state flags the observer saw while the holder held the reader. */
  readerStateWhileHeld: string[] | null;
  /** The holder released only after the answer (or after blocking was confirmed). */
  holderHeldThroughAnswer: boolean | null;
  attemptInsideHold: boolean | null;
  /** For a blocked act: why it was a wait for the holder and not a delay that happened to end near the release. */
  blocked: BlockedEvidence | null;
}

/** One hold of a blocked act, ms from its attempt: when the holder began to let go, and when the call that waited returned. */
export interface BlockedHold {
  releasedAfterMs: number;
  returnedAfterMs: number;
}

/**
 * A blocked act is confirmed by a second hold that the holder lets go of
 * later, and by the same act on the free reader. A fixed delay can end near
 * one release, never near two that are further apart than the window a
 * waiting call has to return in.
 */
export interface BlockedEvidence {
  /** The longest call of the same act on the free reader, before the second hold. */
  controlMs: number;
  holds: BlockedHold[];
}

/** A PC/SC call of one role, for notes and traces. */
export interface RoleCall extends CallRecord {
  role: RoleName;
}

/** --trace: one PC/SC call of the holder, the contender or the observer, on the run's timeline. */
export interface TraceEntry {
  role: RoleName | 'observer';
  call: string;
  /** The arguments that matter: reader, share mode, protocols, disposition. */
  args: Record<string, string | number>;
  /** The return code's name (its hex when the table does not know it). */
  result: string;
  /** From the run's start, on the orchestrator's clock. */
  startMs: number;
  durationMs: number;
}

export interface RunResult extends Judgement {
  observed: Observed | null;
  outcome: Outcome | null;
  reader: { name: string | null; atr: string | null };
  timeline: Timeline;
  evidence: Evidence;
  hint: string | null;
  /** Calls other than the judged one that failed without breaking the precondition. */
  notes: string[];
  calls: RoleCall[];
  /** Inconclusive because the service, the reader or the card is gone: repeating will not help. */
  environmentLost: boolean;
  /** With --trace: every call of the run. */
  trace?: TraceEntry[];
}

export function emptyEvidence(): Evidence {
  return { precondition: null, readerStateWhileHeld: null, holderHeldThroughAnswer: null, attemptInsideHold: null, blocked: null };
}

export function emptyTimeline(): Timeline {
  return {
    holderStarted: null,
    readerHeld: null,
    contenderStarted: null,
    attempt: null,
    answer: null,
    holderReleased: null,
    holdMs: null,
    connectLatencyMs: null,
    totalMs: 0,
  };
}
