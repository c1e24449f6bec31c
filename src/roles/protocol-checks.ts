// What arrives over IPC, checked field by field against protocol.ts before
// anything acts on it: requests on the role's side, replies and events on the
// orchestrator's. A problem names the field (`plan.mode`, `calls[2].rv`), so a
// mistake on either side reads as what it is, not as a timeout.
import type { ErrorReport } from '../core/errors.js';
import type { BindingInfo } from '../pcsc/binding.js';
import { BINDING_NAMES, LAYOUT_IDS } from '../pcsc/load-binding.js';
import { ATTRIBUTES, DISPOSITIONS, PROTOCOL_CHOICES, SHARE_MODES } from '../pcsc/constants.js';
import type { HolderPlan, Step } from '../scenarios/types.js';
import {
  type CallRecord,
  ROLE_NAMES,
  ROLE_OF,
  type RequestType,
  type RoleMessage,
  type MessageOf,
  type RoleMessageType,
  type RoleName,
  type RoleRequest,
  type Unstamped,
} from './protocol.js';

class Malformed extends Error {}

type Check<T> = (value: unknown, field: string) => T;

const describe = (value: unknown): string =>
  value === undefined
    ? 'missing'
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'an object'
          : `a ${typeof value}`;

function fail(field: string, expected: string, value: unknown): never {
  throw new Malformed(`${field} is ${describe(value)}, not ${expected}`);
}

const text: Check<string> = (value, field) => (typeof value === 'string' ? value : fail(field, 'a string', value));
const finite: Check<number> = (value, field) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(field, 'a finite number', value);
const integer: Check<number> = (value, field) => (Number.isSafeInteger(value) ? (value as number) : fail(field, 'an integer', value));
const flag: Check<boolean> = (value, field) => (typeof value === 'boolean' ? value : fail(field, 'true or false', value));
/** Request ids are the link's numbering: 1, 2, 3, … */
const requestId: Check<number> = (value, field) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : fail(field, 'a whole number', value);

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  const allowed: readonly string[] = values;
  return (value, field) => {
    if (typeof value === 'string' && allowed.includes(value)) return value as T;
    throw new Malformed(
      `${field} is ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}, not one of ${values.join(', ')}`,
    );
  };
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, field) => (value === null ? null : check(value, field));
}

function listOf<T>(check: Check<T>): Check<T[]> {
  return (value, field) => {
    if (!Array.isArray(value)) fail(field, 'a list', value);
    for (const [index, item] of value.entries()) check(item, `${field}[${index}]`);
    return value as T[];
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, field: string): Record<string, unknown> {
  return isRecord(value) ? value : fail(field, 'an object', value);
}

type Fields<T> = { [K in keyof T]-?: Check<T[K]> };
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** An object whose fields pass their checks; a field listed in `optional` may be absent. The value is returned as it came. */
function shape<T>(fields: Fields<T>, optional: readonly OptionalKeys<T>[] = []): Check<T> {
  return (value, field) => {
    const object = record(value, field);
    for (const [key, check] of Object.entries(fields) as [keyof T & string, Check<unknown>][]) {
      if (object[key] === undefined && optional.includes(key as OptionalKeys<T>)) continue;
      check(object[key], field ? `${field}.${key}` : key);
    }
    return object as T;
  };
}

const shareMode = oneOf(Object.keys(SHARE_MODES) as (keyof typeof SHARE_MODES)[]);
const disposition = oneOf(Object.keys(DISPOSITIONS) as (keyof typeof DISPOSITIONS)[]);
const protocolChoice = oneOf(PROTOCOL_CHOICES);
const attribute = oneOf(Object.keys(ATTRIBUTES) as (keyof typeof ATTRIBUTES)[]);

type StepCall = Step['call'];
const STEP_FIELDS: { [C in StepCall]: Check<unknown> } = {
  SCardConnect: shape<{ mode: unknown; protocol?: unknown }>({ mode: shareMode, protocol: protocolChoice }, ['protocol']),
  SCardDisconnect: shape({ disposition }),
  SCardTransmit: () => undefined,
  SCardStatus: () => undefined,
  SCardReconnect: shape<{ mode: unknown; protocol?: unknown; initialization: unknown }>(
    { mode: shareMode, protocol: protocolChoice, initialization: disposition },
    ['protocol'],
  ),
  SCardGetAttrib: shape({ attribute }),
  SCardBeginTransaction: () => undefined,
  SCardEndTransaction: shape({ disposition }),
  SCardCancel: () => undefined,
};
const stepCall = oneOf(Object.keys(STEP_FIELDS) as StepCall[]);

const step: Check<Step> = (value, field) => {
  const object = record(value, field);
  STEP_FIELDS[stepCall(object.call, `${field}.call`)](object, field);
  if (object.anyAnswer !== undefined) flag(object.anyAnswer, `${field}.anyAnswer`);
  return object as Step;
};
const steps = listOf(step);

const holderPlan = shape<HolderPlan>({ mode: shareMode, transmit: flag, transaction: flag }, ['transmit', 'transaction']);

const REQUEST_FIELDS: { [K in RequestType]: Fields<Omit<Extract<RoleRequest, { type: K }>, 'type' | 'id'>> } = {
  hold: { reader: text, plan: holderPlan, judgedStep: nullable(step), proveByStatus: flag },
  call: { step },
  release: {},
  prepare: { reader: text, steps, later: steps },
  attempt: { reader: text, steps },
};
const requestType = oneOf(Object.keys(REQUEST_FIELDS) as RequestType[]);

export type Checked<T> = { ok: true; value: T } | { ok: false; id: number | null; problem: string };

/** Runs `check`; a failure says what was wrong, with the id the value carries when it can be read. */
function checked<T>(value: unknown, check: (value: unknown) => T): Checked<T> {
  try {
    return { ok: true, value: check(value) };
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    const id = isRecord(value) && Number.isSafeInteger(value.id) && (value.id as number) >= 0 ? (value.id as number) : null;
    return { ok: false, id, problem: error.message };
  }
}

/** A request as `role` received it: well formed and one that role carries out, or what is wrong with it. */
export function checkRequest(value: unknown, role: RoleName): Checked<RoleRequest> {
  return checked(value, () => {
    const object = record(value, 'the request');
    requestId(object.id, 'id');
    const type = requestType(object.type, 'type');
    if (ROLE_OF[type] !== role) throw new Malformed(`a ${role} does not ${type}`);
    shape(REQUEST_FIELDS[type] as Fields<unknown>)(object, '');
    return object as unknown as RoleRequest;
  });
}

const callRecord = shape<CallRecord>(
  {
    call: text,
    args: (value, field) => {
      for (const [key, arg] of Object.entries(record(value, field)))
        if (typeof arg !== 'string' && typeof arg !== 'number') fail(`${field}.${key}`, 'a string or a number', arg);
      return value as CallRecord['args'];
    },
    rv: integer,
    name: nullable(text),
    startedAt: finite,
    durationMs: finite,
    protocol: text,
  },
  ['protocol'],
);
const calls = listOf(callRecord);

const errorReport = shape<ErrorReport>(
  {
    message: text,
    hint: text,
    error: shape({ code: integer, hex: text, name: nullable(text), message: text, call: nullable(text) }),
  },
  ['hint', 'error'],
);

const bindingInfo = shape<BindingInfo>({ name: oneOf(BINDING_NAMES), version: nullable(text), library: text, layout: oneOf(LAYOUT_IDS) });

const MESSAGE_FIELDS: { [T in RoleMessageType]: Fields<Omit<Extract<RoleMessage, { type: T }>, 'type' | 't'>> } = {
  ready: { role: oneOf(ROLE_NAMES), binding: bindingInfo, clockUncertaintyMs: finite },
  held: { id: requestId, reader: text, protocol: text, calls },
  called: { id: requestId, call: callRecord },
  prepared: { id: requestId, calls },
  released: { id: requestId, heldMs: finite, releaseStartedAt: finite, calls },
  attempting: { id: requestId, reader: text },
  attempted: { id: requestId, reader: text, calls, cleanup: calls, side: calls },
  failed: { id: requestId, error: errorReport, calls },
  'protocol-error': { reason: text },
  stopping: { error: errorReport, exitCode: integer },
};
const messageType = oneOf(Object.keys(MESSAGE_FIELDS) as RoleMessageType[]);

/** A message as the orchestrator received it from a role: well formed, or what is wrong with it. */
export function checkMessage(value: unknown): Checked<RoleMessage> {
  return checked(value, () => {
    const object = record(value, 'the message');
    const type = messageType(object.type, 'type');
    finite(object.t, 't');
    const optional = type === 'attempted' ? ['side' as never] : [];
    shape(MESSAGE_FIELDS[type] as Fields<unknown>, optional)(object, '');
    return object as unknown as RoleMessage;
  });
}

/**
 * What a role answers a request it cannot carry out as sent: `failed` with
 * the problem for a request whose id it can read, `protocol-error` for one
 * whose id it cannot. Null when the request is well formed, and for `role`.
 */
export function rejection(value: unknown, role: RoleName): Unstamped<MessageOf<'failed'> | MessageOf<'protocol-error'>> | null {
  const request = checkRequest(value, role);
  if (request.ok) return null;
  const type = isRecord(value) && typeof value.type === 'string' && Object.hasOwn(ROLE_OF, value.type) ? `${value.type} ` : '';
  const reason = `the ${role} got a malformed ${type}request: ${request.problem}`;
  return request.id === null
    ? { type: 'protocol-error', reason }
    : { type: 'failed', id: request.id, error: { message: reason }, calls: [] };
}
