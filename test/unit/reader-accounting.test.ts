// Which marks on the reader the roles' own handles explain: the rule that
// keeps another process's hold (scdaemon, a browser, a grabber) from being
// taken for the stack's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleAfter, holdUnseen, mayBeClosedHandle, unexplainedMark } from '../../src/orchestrator/reader-accounting.js';

test("a free reader is explained by no handle; any hold on it is someone else's", () => {
  const none = { holder: null, contender: null };
  assert.equal(unexplainedMark(['PRESENT'], none), null);
  assert.equal(unexplainedMark(['EMPTY'], none), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], none), 'INUSE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], none), 'EXCLUSIVE');
});

test("EXCLUSIVE is explained only by a role's exclusive handle", () => {
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'exclusive', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'shared', contender: null }), 'EXCLUSIVE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'direct', contender: 'shared' }), 'EXCLUSIVE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: null, contender: 'exclusive' }), null);
});

test('INUSE is explained by any handle of a role: a foreign shared handle beside it cannot be told apart', () => {
  // A stack that shows an exclusive hold as INUSE: the holder's own handle, not another process.
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: 'exclusive', contender: null }), null);
  assert.equal(mayBeClosedHandle('INUSE', ['exclusive']), true);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: 'shared', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: 'direct', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: null, contender: 'shared' }), null);
});

test('the handle a role keeps after its steps: the last connect, unless a disconnect follows it', () => {
  assert.equal(handleAfter([]), null);
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }]), 'shared');
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardBeginTransaction' }]), 'shared');
  assert.equal(
    handleAfter([
      { call: 'SCardConnect', mode: 'shared' },
      { call: 'SCardDisconnect', disposition: 'unpower' },
    ]),
    null,
  );
  assert.equal(
    handleAfter([
      { call: 'SCardConnect', mode: 'shared' },
      { call: 'SCardDisconnect', disposition: 'leave' },
      { call: 'SCardConnect', mode: 'direct' },
    ]),
    'direct',
  );
});

test("only a mark that a handle the roles just closed could leave gets time to go: any other is another process's at once", () => {
  // A contender refused its exclusive connect opened nothing: an EXCLUSIVE right after is the handle that refused it.
  assert.equal(mayBeClosedHandle('EXCLUSIVE', []), false);
  assert.equal(mayBeClosedHandle('EXCLUSIVE', ['shared']), false);
  assert.equal(mayBeClosedHandle('EXCLUSIVE', ['exclusive']), true);
  assert.equal(mayBeClosedHandle('INUSE', []), false);
  assert.equal(mayBeClosedHandle('INUSE', ['direct']), true);
});

test('a hold the third party cannot see as its share mode: the card there, and no mark of another holder than ours', () => {
  // No mark at all: any holder's mode is hidden.
  for (const mode of ['exclusive', 'shared', 'direct'] as const) assert.equal(holdUnseen(['PRESENT'], mode), true, mode);
  // INUSE for an exclusive holder: a stack that shows the hold without its mode.
  assert.equal(holdUnseen(['PRESENT', 'INUSE'], 'exclusive'), true);
  // EXCLUSIVE beside a shared or direct holder is somebody else's hold.
  assert.equal(holdUnseen(['PRESENT', 'EXCLUSIVE'], 'shared'), false);
  assert.equal(holdUnseen(['PRESENT', 'EXCLUSIVE'], 'direct'), false);
  // No card, or a card in a state our hold does not explain.
  for (const flags of [
    [],
    ['EMPTY'],
    ['PRESENT', 'EMPTY'],
    ['PRESENT', 'MUTE'],
    ['PRESENT', 'INUSE', 'MUTE'],
    ['UNAVAILABLE'],
    ['PRESENT', 'UNKNOWN'],
  ] as const) {
    assert.equal(holdUnseen(flags, 'exclusive'), false, flags.join(' '));
  }
});
