// Which request goes to which role, and which reply answers which request, is
// in the types: the lines marked @ts-expect-error must not compile
// (`npm run typecheck` fails on one that does). The tests below run the same
// typed calls against the in-memory roles, so each line is also a call that
// works, and the runtime checks agree with the types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContenderLink, HolderLink } from '../../src/orchestrator/role-process.js';
import { answers, REPLIES, ROLE_OF, type RequestBody, type RequestType } from '../../src/roles/protocol.js';
import { FakeRoles, READER } from '../support/fake-roles.js';

const HOLD: RequestBody<'hold'> = { type: 'hold', reader: READER, plan: { mode: 'exclusive' }, judgedStep: null, proveByStatus: false };
const ATTEMPT: RequestBody<'attempt'> = { type: 'attempt', reader: READER, steps: [{ call: 'SCardConnect', mode: 'shared' }] };

/** Never called: the lines that must not compile, checked by the type checker alone. */
export function doesNotCompile(holder: HolderLink, contender: ContenderLink): void {
  // @ts-expect-error the holder is sent a contender's request
  holder.request(ATTEMPT);
  // @ts-expect-error the holder is asked to prepare
  void holder.ask({ type: 'prepare', reader: READER, steps: [], later: [] }, 1000);
  // @ts-expect-error the contender is sent the holder's request
  contender.request(HOLD);
  // @ts-expect-error a hold is waited on for a reply only an attempt gets
  void holder.reply(holder.request(HOLD), ['attempted'], 1000);
  // @ts-expect-error an attempt is waited on for the holder's reply
  void contender.reply(contender.request(ATTEMPT), ['held'], 1000);
  // @ts-expect-error a prepare is waited on for the announcement only an attempt gets
  void contender.reply(contender.request({ type: 'prepare', reader: READER, steps: [], later: [] }), ['attempting'], 1000);
  // @ts-expect-error a bare number says nothing of the request: its replies cannot be told
  void holder.reply(1, ['held'], 1000);
  // @ts-expect-error a field the request does not have
  holder.request({ type: 'call', step: { call: 'SCardStatus' }, judgedStep: null });
  // @ts-expect-error a hold names its judged step, even when there is none
  holder.request({ type: 'hold', reader: READER, plan: { mode: 'shared' }, proveByStatus: false });
}

/** Never called: a completed request's reply is only ever its own. */
export async function replyTypes(holder: HolderLink, contender: ContenderLink): Promise<void> {
  const held = await holder.ask(HOLD, 1000);
  // @ts-expect-error a hold is answered `held` or `failed`, never `released`
  if ('message' in held && held.message.type === 'released') return;
  const attempted = await contender.ask(ATTEMPT, 1000);
  // @ts-expect-error the answer to an attempt is `attempted` or `failed`; `attempting` only announces it
  if ('message' in attempted && attempted.message.type === 'attempting') return;
}

test('the typed calls work against the in-memory roles: each request gets its own reply', async () => {
  const roles = new FakeRoles({ contender: { kind: 'answers', afterMs: 1, rv: 0 } });
  const { holder, contender } = await roles.ready();
  const held = await holder.ask(HOLD, 1000);
  assert.ok('message' in held && held.message.type === 'held', JSON.stringify(held));
  const sent = contender.request(ATTEMPT);
  const attempting = await contender.reply(sent, ['attempting'], 1000);
  assert.ok('message' in attempting && attempting.message.type === 'attempting', JSON.stringify(attempting));
  const attempted = await contender.reply(sent, ['attempted'], 1000);
  assert.ok('message' in attempted && attempted.message.type === 'attempted', JSON.stringify(attempted));
  const released = await holder.ask({ type: 'release' }, 1000);
  assert.ok('message' in released && released.message.type === 'released', JSON.stringify(released));
  await roles.stop();
});

test('each request type belongs to one role, and only its own replies (and failed) answer it', () => {
  assert.deepEqual(ROLE_OF, { hold: 'holder', call: 'holder', release: 'holder', prepare: 'contender', attempt: 'contender' });
  const replyTypes = ['held', 'called', 'released', 'prepared', 'attempting', 'attempted'] as const;
  for (const type of Object.keys(REPLIES) as RequestType[]) {
    const own: readonly string[] = REPLIES[type];
    for (const reply of replyTypes) {
      const message = { type: reply, id: 1, t: 0 } as never;
      assert.equal(answers(type, message), own.includes(reply), `${type} answered by ${reply}`);
    }
    assert.equal(answers(type, { type: 'failed', id: 1, t: 0, error: { message: 'x' }, calls: [] }), true);
  }
});
