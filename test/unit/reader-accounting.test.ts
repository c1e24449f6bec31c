// Which marks on the reader the roles' own handles explain: the rule that
// keeps another process's hold (scdaemon, a browser, a grabber) from being
// taken for the stack's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleAfter, mayBeClosedHandle, unexplainedMark } from '../../src/orchestrator/reader-accounting.js';

test('a free reader is explained by no handle; any hold on it is someone else\'s', () => {
  const none = { holder: null, contender: null };
  assert.equal(unexplainedMark(['PRESENT'], none), null);
  assert.equal(unexplainedMark(['EMPTY'], none), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], none), 'INUSE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], none), 'EXCLUSIVE');
});

test('EXCLUSIVE is explained only by a role\'s exclusive handle', () => {
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'exclusive', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'shared', contender: null }), 'EXCLUSIVE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: 'direct', contender: 'shared' }), 'EXCLUSIVE');
  assert.equal(unexplainedMark(['PRESENT', 'EXCLUSIVE'], { holder: null, contender: 'exclusive' }), null);
});

test('INUSE is explained by any handle of a role: a foreign shared handle beside it cannot be told apart', () => {
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: 'shared', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: 'direct', contender: null }), null);
  assert.equal(unexplainedMark(['PRESENT', 'INUSE'], { holder: null, contender: 'shared' }), null);
});

test('the handle a role keeps after its steps: the last connect, unless a disconnect follows it', () => {
  assert.equal(handleAfter([]), null);
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }]), 'shared');
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardBeginTransaction' }]), 'shared');
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardDisconnect', disposition: 'unpower' }]), null);
  assert.equal(handleAfter([{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardDisconnect', disposition: 'leave' }, { call: 'SCardConnect', mode: 'direct' }]), 'direct');
});

test('only a mark that a handle the roles just closed could leave gets time to go: any other is another process\'s at once', () => {
  // A contender refused its exclusive connect opened nothing: an EXCLUSIVE right after is the handle that refused it.
  assert.equal(mayBeClosedHandle('EXCLUSIVE', []), false);
  assert.equal(mayBeClosedHandle('EXCLUSIVE', ['shared']), false);
  assert.equal(mayBeClosedHandle('EXCLUSIVE', ['exclusive']), true);
  assert.equal(mayBeClosedHandle('INUSE', []), false);
  assert.equal(mayBeClosedHandle('INUSE', ['direct']), true);
});
