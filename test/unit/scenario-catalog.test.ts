// The catalog is data; these checks keep it honest: unique ids, a full
// share-mode matrix, the UnitaryTests' blocking table, sourced bug records,
// and signatures that never equal the expectation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS, DEFAULT_SCENARIO, findScenario, scenarioSteps } from '../../src/scenarios/catalog.js';
import { TRANSACTION_BLOCKING } from '../../src/scenarios/transaction-blocking.js';
import { SHARE_MODE_MATRIX } from '../../src/scenarios/share-mode-matrix.js';
import { matchesOutcome } from '../../src/scenarios/types.js';
import { PLATFORMS } from '../../src/platform/platform-id.js';
import { judge } from '../../src/scenarios/verdict.js';

test('ids are unique and the default is the El Capitan SCardConnect scenario', () => {
  assert.equal(new Set(SCENARIOS.map((s) => s.id)).size, SCENARIOS.length);
  assert.equal(DEFAULT_SCENARIO.id, 'el-capitan-scardconnect');
  assert.equal(findScenario('el-capitan-scardconnect'), DEFAULT_SCENARIO);
  assert.equal(findScenario('nope'), undefined);
});

test('the share-mode matrix has all nine holder × contender cells, with the pcsc-lite 1.9.9 answers', () => {
  const cells = SHARE_MODE_MATRIX.map(
    (s) =>
      `${s.holder.mode}/${s.contender.act[0]?.call === 'SCardConnect' ? s.contender.act[0].mode : '?'}=${s.expected['linux-pcsclite']?.kind === 'success' ? 'ok' : 'SV'}`,
  );
  assert.deepEqual(
    cells.sort(),
    [
      'direct/direct=ok',
      'direct/exclusive=SV',
      'direct/shared=ok',
      'exclusive/direct=SV',
      'exclusive/exclusive=SV',
      'exclusive/shared=SV',
      'shared/direct=ok',
      'shared/exclusive=SV',
      'shared/shared=ok',
    ].sort(),
  );
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
      for (const signature of scenario.signatures.filter((s) => !s.platforms || s.platforms.includes(platform)))
        assert.ok(
          !matchesOutcome(signature.observed, expected) && !matchesOutcome(expected, signature.observed),
          `${scenario.id} on ${platform}`,
        );
    }
  }
});

test('the catalog reaches 20 scenarios, each with a measured pcsc-lite expectation and a title and summary', () => {
  assert.ok(SCENARIOS.length >= 20, `${SCENARIOS.length} scenarios`);
  for (const scenario of SCENARIOS) {
    assert.ok(scenario.expected['linux-pcsclite'], `${scenario.id} has no pcsc-lite expectation`);
    assert.match(scenario.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(scenario.title && scenario.summary, scenario.id);
  }
});

test("the blocking table is SCardBlockingBehaviourTest.py's own, per OS", () => {
  // Written out from the test's comments, not read from the catalog.
  const blocks: Record<string, { snowLeopard: boolean; windows7AndLinux: boolean }> = {
    SCardReconnect: { snowLeopard: false, windows7AndLinux: true },
    SCardGetAttrib: { snowLeopard: false, windows7AndLinux: false },
    SCardTransmit: { snowLeopard: false, windows7AndLinux: true },
    SCardStatus: { snowLeopard: false, windows7AndLinux: true },
    SCardConnect: { snowLeopard: true, windows7AndLinux: true },
    SCardBeginTransaction: { snowLeopard: true, windows7AndLinux: true },
  };
  const rows = TRANSACTION_BLOCKING.map((scenario) => {
    const call = scenario.contender.act.at(-1)!.call;
    const blocked = (platform: 'macos' | 'windows' | 'linux-pcsclite') => scenario.expected[platform]?.kind === 'blocked';
    assert.deepEqual(scenario.holder, { mode: 'shared', transaction: true }, scenario.id);
    return [call, { snowLeopard: blocked('macos'), windows7AndLinux: blocked('windows') && blocked('linux-pcsclite') }] as const;
  });
  assert.deepEqual(Object.fromEntries(rows), blocks);
  // "Does not block" claims no code: any answer that did not wait matches.
  const getAttrib = findScenario('transaction-does-not-block-getattrib')!;
  for (const answer of [{ kind: 'success' }, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }] as const)
    assert.equal(judge(getAttrib, answer, 'windows').verdict, 'not-affected');
  assert.equal(judge(getAttrib, { kind: 'blocked' }, 'windows').verdict, 'unexpected');
});

test("a contender's shared connect that meets a holder carries the Yosemite signature, and only then", () => {
  for (const scenario of SCENARIOS) {
    const meetsHolder =
      !scenario.contenderActsAfterRelease &&
      scenario.holder.mode !== 'exclusive' &&
      scenario.contender.act.some((step) => step.call === 'SCardConnect' && step.mode === 'shared') &&
      scenario.expected['linux-pcsclite']?.kind !== 'blocked';
    const carries = scenario.signatures.some((s) => s.observed.kind === 'blocked' && s.bug.vendorBug === '21703315');
    assert.equal(carries, meetsHolder, scenario.id);
  }
});

test('every known-bug signature of the catalog is judged bug-reproduced and names its bug', () => {
  const cases = [
    ['el-capitan-scardconnect', { kind: 'error', name: 'SCARD_E_PROTO_MISMATCH' }, '23646838'],
    ['yosemite-shared-connect', { kind: 'blocked', call: 'SCardConnect', mode: 'shared' }, '21703315'],
    ['direct-connect-protocol-undefined', { kind: 'blocked', call: 'SCardConnect', mode: 'shared' }, '21703315'],
    ['el-capitan-scardtransmit', { kind: 'success' }, '23574394'],
    ['begin-transaction-after-card-reinserted', { kind: 'error', name: 'SCARD_W_RESET_CARD' }, '23900844'],
    ['begin-transaction-after-unpower', { kind: 'error', name: 'SCARD_W_UNPOWERED_CARD' }, '23900844'],
    ['begin-transaction-after-reset', { kind: 'success' }, '19263926'],
    ['status-after-reset', { kind: 'success' }, '19264087'],
    ['transmit-after-card-reinserted', { kind: 'error', name: 'SCARD_W_RESET_CARD' }, '44638067'],
    ['end-transaction-after-card-reinserted', { kind: 'error', name: 'SCARD_W_RESET_CARD' }, '44672548'],
    ['transaction-blocks-transmit', { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }, 'c7cd36bd'],
    ['transaction-blocks-status', { kind: 'success' }, 'c7cd36bd'],
    ['end-transaction-extra-call', { kind: 'success' }, 'ccc1571e'],
    ['end-transaction-unpower-not-owner', { kind: 'success' }, 'ccc1571e'],
    ['owner-not-reset-by-foreign-unpower', { kind: 'error', name: 'SCARD_W_RESET_CARD' }, '74656f24'],
  ] as const;
  for (const [id, observed, bug] of cases) {
    const judgement = judge(findScenario(id)!, observed, 'linux-pcsclite');
    assert.equal(judgement.verdict, 'bug-reproduced', id);
    assert.equal(judgement.knownBug?.vendorBug, bug, id);
  }
  // Another call waiting is no known bug: the signature names the call.
  for (const mode of ['direct', 'exclusive'] as const) {
    const judgement = judge(
      findScenario('direct-connect-protocol-undefined')!,
      { kind: 'blocked', call: 'SCardConnect', mode },
      'linux-pcsclite',
    );
    assert.deepEqual([judgement.verdict, judgement.knownBug], ['unexpected', null], mode);
  }
  assert.equal(
    judge(findScenario('yosemite-shared-connect')!, { kind: 'blocked', call: 'SCardDisconnect' }, 'linux-pcsclite').verdict,
    'unexpected',
  );
  const bugs = new Set(SCENARIOS.flatMap((s) => s.signatures.map((signature) => signature.bug)));
  for (const bug of bugs) {
    // A vendor's bug number, or for pcsc-lite, which had no tracker entry for them, the fixing commit.
    assert.match(bug.vendorBug, bug.vendor === 'pcsc-lite' ? /^[0-9a-f]{8}$/ : /^\d+$/, bug.id);
    assert.match(bug.reference, /^https:\/\//, bug.id);
    assert.equal(bug.id, `${bug.vendor.toLowerCase()}-${bug.vendorBug}`);
  }
  assert.equal(findScenario('el-capitan-scardconnect')!.signatures[0]!.bug.fixedIn, 'macOS Sierra 10.12.0');
});

test('steps name every PC/SC call a scenario makes, by role', () => {
  const calls = new Set(
    SCENARIOS.flatMap((s) =>
      Object.values(scenarioSteps(s))
        .flat()
        .flatMap((step) => [...step.matchAll(/SCard\w+/g)].map((m) => m[0])),
    ),
  );
  for (const call of [
    'SCardConnect',
    'SCardBeginTransaction',
    'SCardEndTransaction',
    'SCardReconnect',
    'SCardStatus',
    'SCardTransmit',
    'SCardCancel',
    'SCardGetAttrib',
    'SCardDisconnect',
  ]) {
    assert.ok(calls.has(call), call);
  }
  assert.deepEqual(scenarioSteps(findScenario('end-transaction-after-card-reinserted')!), {
    holder: [
      'SCardConnect(SHARED)',
      'SCardBeginTransaction',
      'SCardEndTransaction(SCARD_LEAVE_CARD) (judged)',
      'SCardStatus (the transaction was not reset)',
      'SCardDisconnect(SCARD_LEAVE_CARD)',
    ],
    contender: ['SCardDisconnect(SCARD_LEAVE_CARD), if a handle is still open'],
    observer: ['SCardGetStatusChange(UNAWARE, timeout 0) while the reader is held'],
    card: ['removed and inserted again before the judged call'],
  });
});

test("direct mode against the vendors' words: a Windows direct holder refuses every contender, a macOS direct connect may report the card's protocol", () => {
  // Microsoft's SCardConnect: SCARD_SHARE_DIRECT allows no other application access to the reader.
  for (const contender of ['exclusive', 'shared', 'direct']) {
    const cell = findScenario(`share-direct-${contender}`)!;
    assert.deepEqual(cell.expected.windows, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }, contender);
    assert.equal(judge(cell, { kind: 'success' }, 'windows').verdict, 'unexpected');
  }
  // So the direct-mode scenarios, whose contender connects SHARED first, cannot reach their judged call on Windows: no expectation.
  for (const id of ['direct-connect-protocol-undefined', 'direct-reconnect-keeps-protocol-undefined']) {
    const scenario = findScenario(id)!;
    assert.equal(scenario.expected.windows, undefined, id);
    // PCSC.framework, asked for T0|T1, reports the reader state's protocol: the card's, or UNSET (0).
    for (const protocol of ['T0', 'T1', 'undefined'])
      assert.equal(judge(scenario, { kind: 'success', protocol }, 'macos').verdict, 'not-affected', `${id} ${protocol}`);
    assert.equal(judge(scenario, { kind: 'error', name: 'SCARD_E_PROTO_MISMATCH' }, 'macos').verdict, 'unexpected', id);
  }
  // Windows' text speaks of the direct application's own hold: a direct contender beside another holder has no reference there.
  assert.equal(findScenario('share-shared-direct')!.expected.windows, undefined);
  assert.equal(findScenario('share-exclusive-direct')!.expected.windows, undefined);
});

test("a pcsc-lite release's bug is no bug on another platform, where the same answer may be the documented one", () => {
  // Snow Leopard's SCardTransmit did not wait for a transaction (SCardBlockingBehaviourTest): as expected on macOS.
  assert.equal(
    judge(findScenario('transaction-blocks-transmit')!, { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' }, 'macos').verdict,
    'not-affected',
  );
  const windows = judge(findScenario('owner-not-reset-by-foreign-unpower')!, { kind: 'error', name: 'SCARD_W_RESET_CARD' }, 'windows');
  assert.deepEqual([windows.verdict, windows.knownBug], ['no-reference', null]);
  assert.equal(
    judge(findScenario('end-transaction-extra-call')!, { kind: 'success' }, 'linux-pcsclite').knownBug?.id,
    'pcsc-lite-ccc1571e',
  );
});
