// Every message between the orchestrator and a role process, both ways. Both
// sides import these types, and which reply answers which request is typed
// here once (`ReplyTo`), so a link that sends the holder a contender's request,
// or waits for a reply its request cannot get, does not compile.
//
// What arrives over IPC is checked field by field on arrival, on both sides
// (`protocol-checks.ts`), and is typed from there on. Nothing is dropped in
// silence, because a dropped message would only show as a timeout:
// - a role that gets a malformed request (or one for the other role) answers
//   `failed` at once, outside its queue of requests, with the reason naming
//   the field; when the request has no id it can read, it answers
//   `protocol-error` instead, and the orchestrator fails every request to that
//   role from then on with the reason: the two sides no longer understand
//   each other;
// - the orchestrator turns a malformed message, or a reply of a type its
//   request cannot get, into a `failed` for the request whose id it carries,
//   and one with no readable id into the same lasting failure as a
//   `protocol-error`.
import type { ErrorReport } from '../core/errors.js';
import type { BindingInfo } from '../pcsc/binding.js';
import type { HolderPlan, Step } from '../scenarios/types.js';

export type RoleName = 'holder' | 'contender';
export const ROLE_NAMES: readonly RoleName[] = ['holder', 'contender'];

/** One PC/SC call as the role that made it saw it. */
export interface CallRecord {
  call: string;
  /** The arguments that matter for reading a report: share mode, disposition, reader. */
  args: Record<string, string | number>;
  /** The return code; 0 is SCARD_S_SUCCESS. */
  rv: number;
  /** The return code's name, or null when the table does not know it. */
  name: string | null;
  /** Wall clock (ms since the epoch) when the call was made. */
  startedAt: number;
  durationMs: number;
  /** The protocol SCardConnect or SCardReconnect reported. */
  protocol?: string;
}

// Orchestrator → role. Every request names the exact reader it is about, so
// both roles act on the one reader the orchestrator chose.

/**
 * Take the reader as `plan` says. `judgedStep`: the call the holder will be
 * asked to make on its held handle later (the judged one), so the handle can
 * offer it; `proveByStatus`: also call SCardStatus on the held handle, now and
 * before letting go.
 */
export interface HoldRequest {
  type: 'hold';
  id: number;
  reader: string;
  plan: HolderPlan;
  judgedStep: Step | null;
  proveByStatus: boolean;
}
/** The holder's call on its held handle. */
export interface CallRequest {
  type: 'call';
  id: number;
  step: Step;
}
export interface ReleaseRequest {
  type: 'release';
  id: number;
}
/** The contender's steps before the hold: its handle stays open for the act; `later`: the act's steps, which the handle must offer. */
export interface PrepareRequest {
  type: 'prepare';
  id: number;
  reader: string;
  steps: Step[];
  later: Step[];
}
/** The contender's act; afterwards it leaves any handle it still has. */
export interface AttemptRequest {
  type: 'attempt';
  id: number;
  reader: string;
  steps: Step[];
}

export type HolderRequest = HoldRequest | CallRequest | ReleaseRequest;
export type ContenderRequest = PrepareRequest | AttemptRequest;
export type RoleRequest = HolderRequest | ContenderRequest;

/** The requests each role carries out. */
export interface RequestsOf {
  holder: HolderRequest;
  contender: ContenderRequest;
}

/** `t`: the role's wall clock (ms since the epoch) when it sent the message. */
interface Stamped {
  t: number;
}

// Role → orchestrator.
export type RoleMessage = Stamped &
  /** The role can act; `binding`: how it reaches PC/SC; `clockUncertaintyMs`: how far its stamps may be off the system clock. */
  (
    | { type: 'ready'; role: RoleName; binding: BindingInfo; clockUncertaintyMs: number }
    /** The reader is held; `calls` are the ones that took it. */
    | { type: 'held'; id: number; reader: string; protocol: string; calls: CallRecord[] }
    | { type: 'called'; id: number; call: CallRecord }
    | { type: 'prepared'; id: number; calls: CallRecord[] }
    /** `releaseStartedAt`: when the releasing SCardDisconnect was made; `t` is after it returned. */
    | { type: 'released'; id: number; heldMs: number; releaseStartedAt: number; calls: CallRecord[] }
    /** Sent just before the act's first call. */
    | { type: 'attempting'; id: number; reader: string }
    /**
     * `calls`: the act's steps, in order, up to the first that failed; `cleanup`: leaving the handle afterwards;
     * `side`: calls made beside the steps (the SCardCancel of a cancelled wait), for the trace only.
     */
    | { type: 'attempted'; id: number; reader: string; calls: CallRecord[]; cleanup: CallRecord[]; side?: CallRecord[] }
    /** The request could not be carried out, or was malformed (the reason names the field); `calls` are the ones made on the way. */
    | { type: 'failed'; id: number; error: ErrorReport; calls: CallRecord[] }
    /** A request arrived whose id could not be read: `reason` names what was wrong with it. */
    | { type: 'protocol-error'; reason: string }
    /** The role is ending on its own (its PC/SC context could not be opened, a signal): the cause and the exit code it will end with. */
    | { type: 'stopping'; error: ErrorReport; exitCode: number }
  );

export type RoleMessageType = RoleMessage['type'];
export type MessageOf<T extends RoleMessageType> = Extract<RoleMessage, { type: T }>;

/** Removes `t` from every member of the union, for the sender to stamp. */
export type Unstamped<M> = M extends Stamped ? Omit<M, 't'> : never;

/**
 * The replies each request gets, in the order they come; any request may get
 * `failed` instead of its last one (or its only one). `attempt` is announced
 * (`attempting`) before its answer (`attempted`).
 */
export const REPLIES = {
  hold: ['held'],
  call: ['called'],
  release: ['released'],
  prepare: ['prepared'],
  attempt: ['attempting', 'attempted'],
} as const satisfies Record<RoleRequest['type'], readonly RoleMessageType[]>;

export type RequestType<R extends RoleName = RoleName> = RequestsOf[R]['type'];
/** The reply types request type `K` can get, `failed` aside. */
export type ReplyTo<K extends RequestType> = (typeof REPLIES)[K][number];
/** The reply that completes request type `K`. */
export type FinalReplyTo<K extends RequestType> = K extends 'attempt' ? 'attempted' : ReplyTo<K>;
/** The request of type `K`. */
export type RequestOf<K extends RequestType> = Extract<RoleRequest, { type: K }>;
/** A request as its sender writes it: the link numbers it. */
export type NewRequest<K extends RequestType = RequestType> = K extends RequestType ? Omit<RequestOf<K>, 'id'> : never;
/** One request as its sender writes it, its type first: what a link's type parameter is read from. */
export type RequestBody<K extends RequestType> = { type: K } & Omit<RequestOf<K>, 'id' | 'type'>;

/** The roles that carry out each request type. */
export const ROLE_OF: Record<RequestType, RoleName> = {
  hold: 'holder',
  call: 'holder',
  release: 'holder',
  prepare: 'contender',
  attempt: 'contender',
};

/** Whether `message` is one of the replies a request of type `type` can get (`failed` included). */
export function answers(type: RequestType, message: RoleMessage): boolean {
  const replies: readonly RoleMessageType[] = REPLIES[type];
  return message.type === 'failed' || replies.includes(message.type);
}
