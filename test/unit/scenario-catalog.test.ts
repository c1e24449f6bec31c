// The catalog is data; these checks keep it honest: unique ids, a full
// share-mode matrix, and signatures that never equal the expectation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS, DEFAULT_SCENARIO, findScenario } from '../../src/scenarios/catalog.js';
import { SHARE_MODE_MATRIX } from '../../src/scenarios/share-mode-matrix.js';
import { sameOutcome } from '../../src/scenarios/types.js';
import { PLATFORMS } from '../../src/platform/platform-id.js';
import { judge } from '../../src/scenarios/verdict.js';

test('ids are unique and the default is the El Capitan SCardConnect scenario', () => {
  assert.equal(new Set(SCENARIOS.map((s) => s.id)).size, SCENARIOS.length);
  assert.equal(DEFAULT_SCENARIO.id, 'el-capitan-scardconnect');
  assert.equal(findScenario('el-capitan-scardconnect'), DEFAULT_SCENARIO);
  assert.equal(findScenario('nope'), undefined);
});

test('the share-mode matrix has all nine holder × contender cells, with the pcsc-lite 1.9.9 answers', () => {
  const cells = SHARE_MODE_MATRIX.map((s) => `${s.holder.mode}/${s.contender.mode}=${s.expected['linux-pcsclite']?.kind === 'success' ? 'ok' : 'SV'}`);
  assert.deepEqual(cells.sort(), [
    'direct/direct=ok', 'direct/exclusive=SV', 'direct/shared=ok',
    'exclusive/direct=SV', 'exclusive/exclusive=SV', 'exclusive/shared=SV',
    'shared/direct=ok', 'shared/exclusive=SV', 'shared/shared=ok',
  ].sort());
});

test('per-platform expectations: the transaction scenario blocks on pcsc-lite and is refused on OS X', () => {
  const transaction = findScenario('exclusive-connect-during-transaction')!;
  assert.deepEqual(transaction.expected['linux-pcsclite'], { kind: 'blocked' });
  assert.deepEqual(transaction.expected.macos, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' });
  assert.equal(transaction.expected.windows, undefined, 'no reference, not guessed');
  assert.equal(judge(transaction, { kind: 'blocked' }, 'windows').verdict, 'no-reference');
});

test('no signature equals an expectation, so a bug can never be reported as expected', () => {
  for (const scenario of SCENARIOS) {
    for (const platform of PLATFORMS) {
      const expected = scenario.expected[platform];
      if (!expected) continue;
      for (const signature of scenario.signatures) assert.ok(!sameOutcome(signature.observed, expected), `${scenario.id} on ${platform}`);
    }
  }
});

test('each known-bug signature is judged bug-reproduced and names its bug', () => {
  const cases = [
    ['el-capitan-scardconnect', { kind: 'error', name: 'SCARD_E_PROTO_MISMATCH' }, '23646838'],
    ['yosemite-shared-connect', { kind: 'blocked' }, '21703315'],
    ['el-capitan-scardtransmit', { kind: 'success' }, '23574394'],
  ] as const;
  for (const [id, observed, bug] of cases) {
    const judgement = judge(findScenario(id)!, observed, 'linux-pcsclite');
    assert.equal(judgement.verdict, 'bug-reproduced', id);
    assert.equal(judgement.knownBug?.vendorBug, bug);
  }
});
