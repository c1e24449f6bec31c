// The built-in catalog, in the order `scenarios` and `matrix` show it.
import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import { elCapitanScardTransmit } from './el-capitan-scardtransmit.js';
import { exclusiveConnectDuringTransaction } from './exclusive-connect-during-transaction.js';
import { SHARE_MODE_MATRIX } from './share-mode-matrix.js';
import type { PlatformId } from '../platform/platform-id.js';
import { outcomeName, type Scenario } from './types.js';
import { expectedOn } from './verdict.js';

export const SCENARIOS: readonly Scenario[] = [...SHARE_MODE_MATRIX, exclusiveConnectDuringTransaction, elCapitanScardTransmit];
export const DEFAULT_SCENARIO = elCapitanScardConnect;

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
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
    observe: scenario.observe,
    expectedHere: expected ? outcomeName(expected) : null,
    expected: Object.fromEntries(Object.entries(scenario.expected).map(([id, outcome]) => [id, outcomeName(outcome ?? null)])),
    knownBugs: scenario.signatures.map((signature) => ({ observed: outcomeName(signature.observed), ...signature.bug })),
  };
}
