// Every message between the orchestrator and a role process, both ways. Both
// sides import these types; what arrives over IPC is checked against them
// once, by isRoleRequest / isRoleMessage, and is typed from there on.
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
export type RoleRequest =
  /**
   * `then`: the call the holder will be asked to make on its handle later;
   * `proveByStatus`: also call SCardStatus on the held handle, now and before letting go.
   */
  | { type: 'hold'; id: number; reader: string; plan: HolderPlan; then: Step | null; proveByStatus: boolean }
  /** The holder's call on its held handle. */
  | { type: 'call'; id: number; step: Step }
  | { type: 'release'; id: number }
  /** The contender's steps before the hold: its handle stays open for the act. */
  | { type: 'prepare'; id: number; reader: string; steps: Step[]; later: Step[] }
  /** The contender's act; afterwards it leaves any handle it still has. */
  | { type: 'attempt'; id: number; reader: string; steps: Step[] };

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
    /** The request could not be carried out; `calls` are the ones made on the way. */
    | { type: 'failed'; id: number; error: ErrorReport; calls: CallRecord[] }
    /** The role is ending on its own (its PC/SC context could not be opened, a signal): the cause and the exit code it will end with. */
    | { type: 'stopping'; error: ErrorReport; exitCode: number }
  );

export type RoleMessageType = RoleMessage['type'];
export type MessageOf<T extends RoleMessageType> = Extract<RoleMessage, { type: T }>;

/** Removes `t` from every member of the union, for the sender to stamp. */
export type Unstamped<M> = M extends Stamped ? Omit<M, 't'> : never;

type Shape = Record<string, 'string' | 'number' | 'object'>;

const MESSAGE_SHAPE: Record<RoleMessageType, Shape> = {
  ready: { role: 'string', binding: 'object', clockUncertaintyMs: 'number' },
  held: { id: 'number', reader: 'string', protocol: 'string', calls: 'object' },
  called: { id: 'number', call: 'object' },
  prepared: { id: 'number', calls: 'object' },
  released: { id: 'number', heldMs: 'number', releaseStartedAt: 'number', calls: 'object' },
  attempting: { id: 'number', reader: 'string' },
  attempted: { id: 'number', reader: 'string', calls: 'object', cleanup: 'object' },
  failed: { id: 'number', error: 'object', calls: 'object' },
  stopping: { error: 'object', exitCode: 'number' },
};
const MESSAGE_SHAPES = new Map<string, Shape>(Object.entries(MESSAGE_SHAPE));

const REQUEST_SHAPE: Record<RoleRequest['type'], Shape> = {
  hold: { id: 'number', reader: 'string', plan: 'object' },
  call: { id: 'number', step: 'object' },
  release: { id: 'number' },
  prepare: { id: 'number', reader: 'string', steps: 'object', later: 'object' },
  attempt: { id: 'number', reader: 'string', steps: 'object' },
};
const REQUEST_SHAPES = new Map<string, Shape>(Object.entries(REQUEST_SHAPE));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function hasShape(value: Record<string, unknown>, shapes: Map<string, Shape>): boolean {
  const shape = typeof value.type === 'string' ? shapes.get(value.type) : undefined;
  return !!shape && Object.entries(shape).every(([key, kind]) => typeof value[key] === kind && value[key] !== null);
}

/** Whether a value that arrived over IPC is a message from a role. */
export function isRoleMessage(value: unknown): value is RoleMessage {
  return isRecord(value) && typeof value.t === 'number' && hasShape(value, MESSAGE_SHAPES);
}

/** Whether a value that arrived over IPC is a request from the orchestrator. */
export function isRoleRequest(value: unknown): value is RoleRequest {
  return isRecord(value) && hasShape(value, REQUEST_SHAPES);
}
