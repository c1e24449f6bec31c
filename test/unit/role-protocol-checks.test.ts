// What crosses the IPC channel is checked field by field on arrival, on both
// sides, and a problem is answered, never dropped: a malformed request gets
// `failed` naming the field (or `protocol-error` when its id cannot be read),
// and a malformed or misdirected reply fails the request it names instead of
// leaving the orchestrator to time out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Mailbox } from '../../src/orchestrator/mailbox.js';
import { checkMessage, checkRequest, rejection } from '../../src/roles/protocol-checks.js';
import { FakeRoles, READER } from '../support/fake-roles.js';

const HOLD = { type: 'hold', id: 4, reader: READER, plan: { mode: 'exclusive' }, judgedStep: null, proveByStatus: false };
const ATTEMPT = { type: 'attempt', id: 5, reader: READER, steps: [{ call: 'SCardConnect', mode: 'shared' }] };
const RECORD = { call: 'SCardConnect', args: { mode: 'shared' }, rv: 0, name: 'SCARD_S_SUCCESS', startedAt: 1, durationMs: 0.5 };

function problemOf(value: unknown, role: 'holder' | 'contender'): { id: number | null; problem: string } {
  const checked = checkRequest(value, role);
  assert.equal(checked.ok, false, `accepted: ${JSON.stringify(value)}`);
  return checked.ok ? { id: null, problem: '' } : { id: checked.id, problem: checked.problem };
}

test('well-formed requests pass, for the role that carries them out', () => {
  assert.deepEqual(checkRequest(HOLD, 'holder'), { ok: true, value: HOLD });
  assert.deepEqual(checkRequest(ATTEMPT, 'contender'), { ok: true, value: ATTEMPT });
  const steps = [
    { call: 'SCardReconnect', mode: 'shared', initialization: 'reset', protocol: 't1' },
    { call: 'SCardGetAttrib', attribute: 'SCARD_ATTR_ATR_STRING', anyAnswer: true },
    { call: 'SCardEndTransaction', disposition: 'unpower' },
    { call: 'SCardCancel' },
  ];
  assert.equal(checkRequest({ type: 'prepare', id: 1, reader: READER, steps, later: [] }, 'contender').ok, true);
  assert.equal(
    checkRequest({ ...HOLD, judgedStep: { call: 'SCardTransmit' }, plan: { mode: 'shared', transaction: true } }, 'holder').ok,
    true,
  );
});

test('a malformed request is refused with the field named, and the id it carries', () => {
  assert.deepEqual(problemOf({ ...HOLD, plan: { mode: 'sideways' } }, 'holder'), {
    id: 4,
    problem: 'plan.mode is "sideways", not one of exclusive, shared, direct',
  });
  // The judged step's old name (`then`, which makes an object look like a promise) is not taken for it.
  const { judgedStep: _judgedStep, ...withoutJudgedStep } = HOLD;
  const underOldName = { ...withoutJudgedStep, ...Object.fromEntries([['then', null]]) };
  assert.deepEqual(problemOf(underOldName, 'holder'), { id: 4, problem: 'judgedStep is missing, not an object' });
  assert.deepEqual(problemOf({ ...HOLD, proveByStatus: 'yes' }, 'holder'), {
    id: 4,
    problem: 'proveByStatus is a string, not true or false',
  });
  const badStep = {
    ...ATTEMPT,
    steps: [
      { call: 'SCardConnect', mode: 'shared' },
      { call: 'SCardDisconnect', disposition: 'drop' },
    ],
  };
  assert.deepEqual(problemOf(badStep, 'contender'), {
    id: 5,
    problem: 'steps[1].disposition is "drop", not one of leave, reset, unpower, eject',
  });
  assert.match(problemOf({ ...ATTEMPT, steps: {} }, 'contender').problem, /^steps is an object, not a list$/);
  assert.match(
    problemOf({ type: 'call', id: 2, step: { call: 'SCardFly' } }, 'holder').problem,
    /^step\.call is "SCardFly", not one of SCardConnect, /,
  );
  assert.deepEqual(problemOf({ type: 'prepare', id: 3, reader: READER, steps: [] }, 'contender'), {
    id: 3,
    problem: 'later is missing, not a list',
  });
});

test('a request for the other role, or of no known type, is refused; one without a readable id is refused with no id', () => {
  assert.deepEqual(problemOf(ATTEMPT, 'holder'), { id: 5, problem: 'a holder does not attempt' });
  assert.deepEqual(problemOf({ type: 'release', id: 9 }, 'contender'), { id: 9, problem: 'a contender does not release' });
  assert.deepEqual(problemOf({ type: 'fly', id: 1 }, 'holder'), {
    id: 1,
    problem: 'type is "fly", not one of hold, call, release, prepare, attempt',
  });
  assert.deepEqual(problemOf({ ...HOLD, id: '4' }, 'holder'), { id: null, problem: 'id is a string, not a whole number' });
  assert.deepEqual(problemOf({ ...HOLD, id: -1 }, 'holder'), { id: null, problem: 'id is a number, not a whole number' });
  assert.deepEqual(problemOf('hold', 'holder'), { id: null, problem: 'the request is a string, not an object' });
});

test('what a role answers a malformed request: failed with the id, or protocol-error without one', () => {
  assert.equal(rejection(HOLD, 'holder'), null);
  assert.deepEqual(rejection({ ...HOLD, reader: 7 }, 'holder'), {
    type: 'failed',
    id: 4,
    error: { message: 'the holder got a malformed hold request: reader is a number, not a string' },
    calls: [],
  });
  assert.deepEqual(rejection({ type: 'hold' }, 'holder'), {
    type: 'protocol-error',
    reason: 'the holder got a malformed hold request: id is missing, not a whole number',
  });
});

test('messages from a role: nested fields are checked, and the bad one named', () => {
  const held = { type: 'held', id: 1, t: 5, reader: READER, protocol: 'T1', calls: [RECORD] };
  assert.equal(checkMessage(held).ok, true);
  assert.equal(checkMessage({ type: 'attempted', id: 2, t: 5, reader: READER, calls: [RECORD], cleanup: [], side: [RECORD] }).ok, true);
  const problem = (value: unknown) => {
    const checked = checkMessage(value);
    return checked.ok ? null : checked.problem;
  };
  assert.equal(problem({ ...held, calls: [RECORD, { ...RECORD, rv: '0' }] }), 'calls[1].rv is a string, not an integer');
  assert.equal(problem({ ...held, calls: [{ ...RECORD, args: { mode: null } }] }), 'calls[0].args.mode is null, not a string or a number');
  assert.equal(problem({ ...held, t: undefined }), 't is missing, not a finite number');
  const failed = {
    type: 'failed',
    id: 1,
    t: 5,
    calls: [],
    error: { message: 'm', error: { code: 1, hex: '0x1', name: null, message: 'x' } },
  };
  assert.equal(problem(failed), 'error.error.call is missing, not a string');
  assert.equal(
    problem({
      type: 'ready',
      t: 1,
      role: 'holder',
      clockUncertaintyMs: 1,
      binding: { name: 'wasm', version: null, library: 'l', layout: 'pcsclite' },
    }),
    'binding.name is "wasm", not one of pcsclite, ffi',
  );
  assert.equal(
    problem({ type: 'attempted', id: 2, t: 5, reader: READER, calls: [], cleanup: [], side: 'none' }),
    'side is a string, not a list',
  );
});

test('the orchestrator turns a malformed reply into a failure of its request at once, naming the field', async () => {
  const mailbox = new Mailbox('holder');
  mailbox.sent(1, 'hold');
  const waiting = mailbox.take(1, ['held'], 60_000);
  mailbox.receive({ type: 'held', id: 1, t: 5, reader: READER, protocol: 'T1', calls: [{ ...RECORD, durationMs: 'slow' }] });
  const wait = await waiting;
  assert.ok('message' in wait && wait.message.type === 'failed', JSON.stringify(wait));
  assert.equal(
    wait.message.error.message,
    'the holder sent a malformed held message: calls[0].durationMs is a string, not a finite number',
  );
});

test('a reply its request cannot get fails that request', async () => {
  const mailbox = new Mailbox('holder');
  mailbox.sent(3, 'hold');
  mailbox.receive({ type: 'called', id: 3, t: 5, call: RECORD });
  const wait = await mailbox.take(3, ['held'], 60_000);
  assert.ok('message' in wait && wait.message.type === 'failed', JSON.stringify(wait));
  assert.equal(wait.message.error.message, 'the holder answered a hold with called');
});

test('a protocol-error, or a malformed message with no id, fails every request to that role from then on', async () => {
  const mailbox = new Mailbox('contender');
  mailbox.sent(1, 'attempt');
  const waiting = mailbox.take(1, ['attempting'], 60_000);
  mailbox.receive({
    type: 'protocol-error',
    t: 5,
    reason: 'the contender got a malformed attempt request: id is missing, not a whole number',
  });
  const first = await waiting;
  assert.ok('message' in first && first.message.type === 'failed' && first.message.id === 1, JSON.stringify(first));
  assert.match(first.message.error.message, /id is missing/);
  mailbox.sent(2, 'attempt');
  const later = await mailbox.take(2, ['attempted'], 60_000);
  assert.ok('message' in later && later.message.type === 'failed' && later.message.id === 2, JSON.stringify(later));

  const other = new Mailbox('holder');
  other.receive({ type: 'held', t: 5 });
  other.sent(1, 'hold');
  const wait = await other.take(1, ['held'], 60_000);
  assert.ok('message' in wait && wait.message.type === 'failed', JSON.stringify(wait));
  assert.equal(wait.message.error.message, 'the holder sent a malformed held message: id is missing, not a whole number');
});

test('an in-memory role answers a wrong request as the real role does, and reports it', async () => {
  const wrongRequests: string[] = [];
  const roles = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: 0 }, wrongRequests });
  const { holder, contender } = await roles.ready();
  const called = await holder.ask({ type: 'call', step: { call: 'SCardStatus' } }, 1000);
  assert.ok('message' in called && called.message.type === 'failed', JSON.stringify(called));
  assert.equal(called.message.error.message, 'nothing is held');
  contender.receive({ type: 'hold', id: 40, reader: READER, plan: { mode: 'shared' }, judgedStep: null, proveByStatus: false });
  assert.deepEqual(
    contender.sent.map((message) => message.type === 'failed' && [message.id, message.error.message]),
    [[40, 'the contender got a malformed hold request: a contender does not hold']],
  );
  assert.deepEqual(wrongRequests, [
    'the holder was asked for what it cannot do now: nothing is held',
    'the contender got a malformed hold request: a contender does not hold',
  ]);
  await roles.stop();
});

test('by default, a wrong request to an in-memory role fails the test that sent it', () => {
  const fixture = fileURLToPath(new URL('../fixtures/fake-roles/wrong-request.test.ts', import.meta.url));
  // Without the runner's context variable, the fixture reports as a test run of its own, with its own exit code.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', fixture], { encoding: 'utf8', timeout: 60_000, env });
  assert.notEqual(run.status, 0, run.stdout);
  assert.match(run.stdout, /# fail 1/);
  assert.match(run.stdout, /a fake role got a wrong request: the holder was asked for what it cannot do now: nothing is held/);
});
