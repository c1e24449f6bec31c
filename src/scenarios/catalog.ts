// The built-in catalog, in the order `scenarios` and `matrix` show it.
import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import { elCapitanScardTransmit } from './el-capitan-scardtransmit.js';
import { exclusiveConnectDuringTransaction } from './exclusive-connect-during-transaction.js';
import { SHARE_MODE_MATRIX } from './share-mode-matrix.js';
import { TRANSACTION_BLOCKING } from './transaction-blocking.js';
import { TRANSACTION_RULES } from './transaction-rules.js';
import { DIRECT_MODE } from './direct-mode.js';
import { cancelBlockedStatusChange } from './cancel.js';
import { CARD_STATE } from './card-state.js';
import type { PlatformId } from '../platform/platform-id.js';
import { describeStep, outcomeName, type Scenario } from './types.js';
import { expectedOn } from './verdict.js';

export const SCENARIOS: readonly Scenario[] = [
  ...SHARE_MODE_MATRIX,
  exclusiveConnectDuringTransaction,
  ...TRANSACTION_BLOCKING,
  ...TRANSACTION_RULES,
  ...DIRECT_MODE,
  cancelBlockedStatusChange,
  elCapitanScardTransmit,
  ...CARD_STATE,
];
export const DEFAULT_SCENARIO = elCapitanScardConnect;

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}

export type ScenarioSteps = Record<'holder' | 'contender' | 'observer' | 'card', string[]>;

/** Every PC/SC call a scenario makes, by role, in order: what a reader of a report needs to know ran. */
export function scenarioSteps(scenario: Scenario): ScenarioSteps {
  const { holder, contender, judge } = scenario;
  const hold = [
    `SCardConnect(${holder.mode.toUpperCase()})`,
    ...(holder.transmit ? ['SCardTransmit'] : []),
    ...(holder.transaction ? ['SCardBeginTransaction'] : []),
  ];
  const judged = judge.role === 'holder' ? [`${describeStep(judge.step)} (judged)`] : [];
  const act = contender.act.map(
    (step, index) => `${describeStep(step)}${judge.role === 'contender' && index === contender.act.length - 1 ? ' (judged)' : ''}`,
  );
  // A transaction's owner looks at its handle before letting go: an idle transaction may have had its card reset (Windows).
  const beforeRelease = holder.transaction ? ['SCardStatus (the transaction was not reset)'] : [];
  return {
    holder: [...hold, ...judged, ...beforeRelease, 'SCardDisconnect(SCARD_LEAVE_CARD)'],
    contender: [...(contender.before ?? []).map(describeStep), ...act, 'SCardDisconnect(SCARD_LEAVE_CARD), if a handle is still open'],
    observer: ['SCardGetStatusChange(UNAWARE, timeout 0) while the reader is held'],
    card:
      scenario.card === 'removed'
        ? ['removed before the judged call, put back afterwards']
        : scenario.card === 'removed-and-reinserted'
          ? ['removed and inserted again before the judged call']
          : [],
  };
}

/** `scenarios --json`: a scenario as data, with what this platform should answer. */
export function scenarioJson(scenario: Scenario, platform: PlatformId | null) {
  const expected = expectedOn(scenario, platform);
  return {
    id: scenario.id,
    title: scenario.title,
    summary: scenario.summary,
    holder: scenario.holder,
    contender: scenario.contender,
    judge: scenario.judge,
    ...(scenario.contenderActsAfterRelease ? { contenderActsAfterRelease: true } : {}),
    ...(scenario.card ? { card: scenario.card } : {}),
    steps: scenarioSteps(scenario),
    expectedHere: expected ? outcomeName(expected) : null,
    expected: Object.fromEntries(Object.entries(scenario.expected).map(([id, outcome]) => [id, outcomeName(outcome ?? null)])),
    knownBugs: scenario.signatures.map((signature) => ({ observed: outcomeName(signature.observed), ...signature.bug })),
  };
}
