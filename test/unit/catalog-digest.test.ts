import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, catalogIdentity, SCENARIOS, scenarioDigest } from '../../src/scenarios/catalog.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import type { Scenario } from '../../src/scenarios/types.js';

const copy = (scenario: Scenario): Scenario => structuredClone(scenario);

test('the digest of el-capitan-scardconnect is pinned: the sha256 of its canonical definition, as `sha256sum` computes it', () => {
  // printf '%s' '<the canonical JSON below>' | sha256sum → 371b0eebd2dea691db64952f399520fc4d4ae3eaf015a788f08525e97a541680
  assert.equal(scenarioDigest(elCapitanScardConnect), 'sha256:371b0eebd2dea691');
});

test('canonical JSON sorts keys at every depth and drops undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } }), '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
});

test('the digest stays when nothing that changes behaviour changes', () => {
  const same = copy(elCapitanScardConnect);
  assert.equal(scenarioDigest(same), scenarioDigest(elCapitanScardConnect));
  // Prose is not behaviour: the title, the summary, a known bug's reference.
  same.title = 'another title';
  same.summary = 'another summary';
  same.signatures[0]!.bug = { ...same.signatures[0]!.bug, reference: 'https://example.org/', fixedIn: 'never' };
  assert.equal(scenarioDigest(same), scenarioDigest(elCapitanScardConnect));
  // An absent flag and its default are the same definition; key order is not data.
  const reordered: Scenario = { ...copy(elCapitanScardConnect), contenderActsAfterRelease: false };
  reordered.expected = {
    windows: reordered.expected.windows,
    macos: reordered.expected.macos,
    'linux-pcsclite': reordered.expected['linux-pcsclite'],
  };
  assert.equal(scenarioDigest(reordered), scenarioDigest(elCapitanScardConnect));
});

test('the digest changes when a field that changes behaviour changes', () => {
  const base = scenarioDigest(elCapitanScardConnect);
  const changes: Array<[string, (scenario: Scenario) => void]> = [
    ['the holder’s share mode', (s) => (s.holder.mode = 'shared')],
    ['the holder sends an APDU', (s) => (s.holder.transmit = true)],
    ['the contender’s step', (s) => (s.contender.act = [{ call: 'SCardConnect', mode: 'exclusive' }])],
    ['a step before the hold', (s) => (s.contender.before = [{ call: 'SCardConnect', mode: 'shared' }])],
    ['whose call is judged', (s) => (s.judge = { role: 'holder', step: { call: 'SCardStatus' } })],
    ['a card event', (s) => (s.card = 'removed')],
    ['acting after the release', (s) => (s.contenderActsAfterRelease = true)],
    ['an expected outcome', (s) => (s.expected.macos = { kind: 'success' })],
    ['a platform without reference', (s) => delete s.expected.windows],
    ['a signature’s outcome', (s) => (s.signatures[0]!.observed = { kind: 'blocked' })],
    ['a signature’s bug', (s) => (s.signatures[0]!.bug = { ...s.signatures[0]!.bug, id: 'apple-1' })],
    ['the id', (s) => (s.id = 'another-id')],
  ];
  const seen = new Set([base]);
  for (const [what, change] of changes) {
    const changed = copy(elCapitanScardConnect);
    change(changed);
    const digest = scenarioDigest(changed);
    assert.notEqual(digest, base, what);
    seen.add(digest);
  }
  assert.equal(seen.size, changes.length + 1, 'every change gives a digest of its own');
});

test('every scenario of the catalog has a digest of its own, and the catalog digest follows any of them', () => {
  const digests = SCENARIOS.map(scenarioDigest);
  assert.equal(new Set(digests).size, SCENARIOS.length);
  for (const digest of digests) assert.match(digest, /^sha256:[0-9a-f]{16}$/);
  const identity = catalogIdentity(SCENARIOS, '1.2.3');
  assert.deepEqual({ ...identity, digest: undefined }, { version: '1.2.3', digest: undefined, scenarios: SCENARIOS.length });
  assert.equal(catalogIdentity(SCENARIOS, '9.9.9').digest, identity.digest, 'the version is not part of the digest');
  const changed = SCENARIOS.map((scenario, index) => (index === 3 ? { ...copy(scenario), card: 'removed' as const } : scenario));
  assert.notEqual(catalogIdentity(changed).digest, identity.digest);
  assert.notEqual(catalogIdentity(SCENARIOS.slice(1)).digest, identity.digest);
  assert.notEqual(catalogIdentity([...SCENARIOS].reverse()).digest, identity.digest);
});
