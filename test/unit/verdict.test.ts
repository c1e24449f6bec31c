import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, judgeManualConnect } from '../../src/scenarios/verdict.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { platformId } from '../../src/platform/platform-id.js';

const scenario = elCapitanScardConnect;

test('the expected sharing violation is not-affected on every platform', () => {
  for (const platform of ['linux-pcsclite', 'macos', 'windows'] as const) {
    const judgement = judge(scenario, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }, platform);
    assert.equal(judgement.verdict, 'not-affected');
    assert.equal(judgement.knownBug, null);
  }
});

test('PROTO_MISMATCH is the El Capitan signature and names Apple 23646838', () => {
  const judgement = judge(scenario, { kind: 'error', name: 'SCARD_E_PROTO_MISMATCH' }, 'macos');
  assert.equal(judgement.verdict, 'bug-reproduced');
  assert.equal(judgement.knownBug?.vendorBug, '23646838');
  assert.match(judgement.reason, /Apple bug 23646838/);
});

test('a shared connect that succeeds while held exclusively is unexpected: exclusivity not enforced', () => {
  const judgement = judge(scenario, { kind: 'success' }, 'linux-pcsclite');
  assert.equal(judgement.verdict, 'unexpected');
  assert.match(judgement.reason, /exclusivity is not enforced/);
});

test('any other error, or blocking, is unexpected', () => {
  assert.equal(judge(scenario, { kind: 'error', name: 'SCARD_E_TIMEOUT' }, 'windows').verdict, 'unexpected');
  assert.equal(judge(scenario, { kind: 'blocked' }, 'macos').verdict, 'unexpected');
});

test('a platform without a reference is reported as no-reference, not guessed', () => {
  const judgement = judge(scenario, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }, null);
  assert.equal(judgement.verdict, 'no-reference');
  assert.equal(judgement.expected, null);
  assert.match(judgement.reason, /no reference/);
});

test('platform ids', () => {
  assert.equal(platformId('darwin'), 'macos');
  assert.equal(platformId('win32'), 'windows');
  assert.equal(platformId('linux'), 'linux-pcsclite');
  assert.equal(platformId('freebsd'), 'linux-pcsclite');
  assert.equal(platformId('aix'), null);
});

test('the manual connect is judged as the matrix cell of its mode, for the platform it runs on', () => {
  const sharingViolation = { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' } as const;
  assert.equal(judgeManualConnect('shared', sharingViolation, 'linux-pcsclite').scenario.id, 'el-capitan-scardconnect');
  assert.equal(judgeManualConnect('shared', sharingViolation, 'linux-pcsclite').verdict, 'not-affected');
  assert.equal(judgeManualConnect('exclusive', sharingViolation, 'windows').scenario.id, 'share-exclusive-exclusive');
  const protoMismatch = judgeManualConnect('shared', { kind: 'error', name: 'SCARD_E_PROTO_MISMATCH' }, 'macos');
  assert.equal(protoMismatch.verdict, 'bug-reproduced');
  assert.equal(protoMismatch.knownBug?.vendorBug, '23646838');
  assert.equal(judgeManualConnect('shared', { kind: 'success' }, 'macos').verdict, 'unexpected');
  // Direct-mode cells have no reference on Windows: nothing is guessed there.
  assert.equal(judgeManualConnect('direct', sharingViolation, 'windows').verdict, 'no-reference');
  assert.equal(judgeManualConnect('direct', sharingViolation, 'linux-pcsclite').verdict, 'not-affected');
});
