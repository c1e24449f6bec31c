// One contract for the real role processes and the in-memory ones the run
// logic's unit tests use: the same request sequences, malformed requests
// included, go to the role entry (dist/roles/entry.cjs, against pcscd and the
// virtual card) and to test/support/fake-roles.ts, and both must answer with
// the same reply types, the same fields, the same PC/SC calls by name, and,
// for a request they refuse, the same reason. A malformed request is answered
// within a second, never with silence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { FakeRoles } from '../support/fake-roles.js';
import { checkMessage } from '../../src/roles/protocol-checks.js';
import type { RoleMessage, RoleName } from '../../src/roles/protocol.js';

await useStack({ before, after });

const ROLE_ENTRY = fileURLToPath(new URL('../../dist/roles/entry.cjs', import.meta.url));
const READER = VIRTUAL_READER;
/** How long a refusal may take: the role answers it at once, outside its queue. */
const REFUSAL_MS = 1000;
const ANSWER_MS = 5000;

interface Case {
  request: unknown;
  /** The reply types, in order, that complete it. */
  replies: string[];
  /** For a refusal: what its reason must say. */
  reason?: RegExp;
}

const HOLDER_CASES: Case[] = [
  {
    request: { type: 'hold', id: 1, reader: READER, plan: { mode: 'shared' }, judgedStep: { call: 'SCardStatus' }, proveByStatus: false },
    replies: ['held'],
  },
  { request: { type: 'call', id: 2, step: { call: 'SCardStatus' } }, replies: ['called'] },
  { request: { type: 'release', id: 3 }, replies: ['released'] },
  { request: { type: 'call', id: 4, step: { call: 'SCardStatus' } }, replies: ['failed'], reason: /^nothing is held$/ },
  { request: { type: 'release', id: 5 }, replies: ['released'] },
  {
    request: { type: 'attempt', id: 6, reader: READER, steps: [{ call: 'SCardConnect', mode: 'shared' }] },
    replies: ['failed'],
    reason: /: a holder does not attempt$/,
  },
  {
    request: { type: 'hold', id: 7, reader: READER, plan: { mode: 'sideways' }, judgedStep: null, proveByStatus: false },
    replies: ['failed'],
    reason: /: plan\.mode is "sideways", not one of exclusive, shared, direct$/,
  },
  {
    // The judged step under its old name, `then`.
    request: {
      type: 'hold',
      id: 8,
      reader: READER,
      plan: { mode: 'shared' },
      ...Object.fromEntries([['then', null]]),
      proveByStatus: false,
    },
    replies: ['failed'],
    reason: /: judgedStep is missing/,
  },
  {
    request: { type: 'hold', reader: READER, plan: { mode: 'shared' }, judgedStep: null, proveByStatus: false },
    replies: ['protocol-error'],
    reason: /: id is missing, not a whole number$/,
  },
  {
    request: {
      type: 'hold',
      id: 10,
      reader: READER,
      plan: { mode: 'exclusive', transaction: true },
      judgedStep: null,
      proveByStatus: true,
    },
    replies: ['held'],
  },
  { request: { type: 'release', id: 11 }, replies: ['released'] },
];

const CONTENDER_CASES: Case[] = [
  {
    request: {
      type: 'prepare',
      id: 1,
      reader: READER,
      steps: [{ call: 'SCardConnect', mode: 'shared' }],
      later: [{ call: 'SCardTransmit' }],
    },
    replies: ['prepared'],
  },
  { request: { type: 'attempt', id: 2, reader: READER, steps: [{ call: 'SCardTransmit' }] }, replies: ['attempting', 'attempted'] },
  {
    request: { type: 'attempt', id: 3, reader: READER, steps: [{ call: 'SCardConnect', mode: 'exclusive' }] },
    replies: ['attempting', 'attempted'],
  },
  { request: { type: 'release', id: 4 }, replies: ['failed'], reason: /: a contender does not release$/ },
  { request: { type: 'attempt', id: 5, reader: READER, steps: {} }, replies: ['failed'], reason: /: steps is an object, not a list$/ },
  {
    request: { type: 'attempt', id: 6, reader: READER, steps: [{ call: 'SCardConnect', mode: 'loud' }] },
    replies: ['failed'],
    reason: /: steps\[0\]\.mode is "loud", not one of /,
  },
  {
    request: { type: 'attempt', id: '7', reader: READER, steps: [{ call: 'SCardConnect', mode: 'shared' }] },
    replies: ['protocol-error'],
    reason: /: id is a string, not a whole number$/,
  },
  { request: 'attempt', replies: ['protocol-error'], reason: /: the request is a string, not an object$/ },
];

/** A role as raw messages: what is sent, and everything it said, in order. */
interface RawRole {
  send(request: unknown): void;
  readonly said: RoleMessage[];
  close(): Promise<void>;
}

async function realRole(role: RoleName): Promise<RawRole> {
  const child: ChildProcess = spawn(process.execPath, [ROLE_ENTRY, role], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const said: RoleMessage[] = [];
  child.on('message', (value: unknown) => {
    const checked = checkMessage(value);
    assert.ok(checked.ok, `the real ${role} sent a malformed message: ${checked.ok ? '' : checked.problem}`);
    said.push(checked.value);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await until(() => said.some((message) => message.type === 'ready'), 10_000, `the ${role} to be ready`);
  said.splice(0);
  return {
    send: (request) => child.send(request as never),
    said,
    async close() {
      child.disconnect();
      await exited;
    },
  };
}

function fakeRole(role: RoleName, roles: FakeRoles): RawRole {
  const fake = role === 'holder' ? roles.holder : roles.contender;
  return { send: (request) => fake.receive(request), said: fake.sent, close: () => roles.stop() };
}

async function until(done: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!done()) {
    assert.ok(performance.now() < deadline, `no answer within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What must be the same on both sides: the reply types, their fields, the calls by name, a refusal's reason. */
function contractOf(message: RoleMessage): unknown {
  const lists = message as unknown as Record<string, { call: string }[] | undefined>;
  const callNames = (key: 'calls' | 'cleanup') => lists[key]?.map((record) => record.call);
  return {
    type: message.type,
    fields: Object.keys(message).sort(),
    calls: callNames('calls'),
    cleanup: callNames('cleanup'),
    call: message.type === 'called' ? message.call.call : undefined,
    reason: message.type === 'failed' ? message.error.message : message.type === 'protocol-error' ? message.reason : undefined,
  };
}

/** Runs the cases in order; each request's replies, as contracts. */
async function runCases(role: RawRole, cases: Case[]): Promise<unknown[][]> {
  const results: unknown[][] = [];
  for (const { request, replies, reason } of cases) {
    const from = role.said.length;
    const sent = performance.now();
    role.send(request);
    const label = JSON.stringify(request);
    await until(() => role.said.length - from >= replies.length, reason ? REFUSAL_MS : ANSWER_MS, label);
    const answered = role.said.slice(from);
    assert.deepEqual(
      answered.map((message) => message.type),
      replies,
      `${label}: ${JSON.stringify(answered)}`,
    );
    if (reason) {
      assert.ok(performance.now() - sent <= REFUSAL_MS, `${label}: refused after more than ${REFUSAL_MS} ms`);
      const refusal = contractOf(answered.at(-1)!) as { reason?: string };
      assert.match(refusal.reason ?? '', reason, label);
    }
    results.push(answered.map(contractOf));
  }
  return results;
}

for (const [role, cases] of [
  ['holder', HOLDER_CASES],
  ['contender', CONTENDER_CASES],
] as const) {
  test(`the real ${role} and the in-memory one answer the same requests the same way`, async () => {
    const real = await realRole(role);
    let realResults: unknown[][];
    try {
      realResults = await runCases(real, cases);
    } finally {
      await real.close();
    }
    const wrongRequests: string[] = [];
    const fakes = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: 0 }, wrongRequests });
    const fake = fakeRole(role, fakes);
    try {
      assert.deepEqual(await runCases(fake, cases), realResults);
    } finally {
      await fake.close();
    }
    // Every refusal the fake made was reported, as it would fail a unit test.
    assert.equal(wrongRequests.length, cases.filter((c) => c.reason).length, wrongRequests.join('\n'));
  });
}
