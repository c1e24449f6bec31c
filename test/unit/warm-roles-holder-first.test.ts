// WarmRoles when a run begins with the holder alone (holderReady) and waits
// for the contender later (contenderReady): a contender whose start fails in
// between is the answer, not a reason to start another one in silence, and
// its failure is no unhandled rejection while nobody waits for it yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../../src/core/bounded-wait.js';
import type { RoleLink } from '../../src/orchestrator/role-process.js';
import { RoleStartError, WarmRoles } from '../../src/orchestrator/warm-roles.js';
import type { RoleName } from '../../src/roles/protocol.js';

const BINDING = { name: 'ffi', version: null, library: 'fake', layout: 'pcsclite' } as const;

/** A role link that is ready after `readyAfterMs`, or gone then with `exit`. */
function link(name: RoleName, readyAfterMs: number, exit?: string): RoleLink {
  let running = true;
  return {
    name,
    get running() {
      return running;
    },
    async ready() {
      await sleep(readyAfterMs);
      if (exit === undefined) return { message: { type: 'ready', role: name, binding: BINDING, clockUncertaintyMs: 0, t: 0 } };
      running = false;
      return { gone: { stopping: null, exit } };
    },
    async stop() {
      running = false;
    },
  } as unknown as RoleLink;
}

function roles(contender: { readyAfterMs: number; exit?: string }) {
  const started: RoleName[] = [];
  const pair = new WarmRoles({ holder: {}, contender: {} }, 1000, ((name: RoleName) => {
    started.push(name);
    return name === 'holder' ? link(name, 1) : link(name, contender.readyAfterMs, contender.exit);
  }) as never);
  return { pair, started };
}

test('the holder is ready before the contender; contenderReady then waits for that same contender', async () => {
  const { pair, started } = roles({ readyAfterMs: 40 });
  const { holder, contender } = await pair.holderReady();
  assert.equal(holder.name, 'holder');
  assert.equal(contender.name, 'contender');
  assert.equal(pair.bindings.contender, undefined, 'the contender is still starting');
  await pair.contenderReady();
  assert.deepEqual(pair.bindings.contender, BINDING);
  assert.deepEqual(started, ['holder', 'contender']);
});

test('a contender that fails to start while the holder holds is the answer: no second contender', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { pair, started } = roles({ readyAfterMs: 5, exit: 'it exited with code 7' });
    await pair.holderReady();
    // The start fails here, before anyone waits for it.
    await sleep(30);
    await assert.rejects(pair.contenderReady(), (error: unknown) => {
      assert.ok(error instanceof RoleStartError);
      assert.equal(error.message, 'the contender could not start: it exited with code 7');
      return true;
    });
    assert.deepEqual(started, ['holder', 'contender']);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
