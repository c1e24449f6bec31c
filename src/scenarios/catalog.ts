// The built-in catalog, in the order `scenarios` and `matrix` show it.
import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import { elCapitanScardTransmit } from './el-capitan-scardtransmit.js';
import { exclusiveConnectDuringTransaction } from './exclusive-connect-during-transaction.js';
import { SHARE_MODE_MATRIX } from './share-mode-matrix.js';
import type { Scenario } from './types.js';

export const SCENARIOS: readonly Scenario[] = [...SHARE_MODE_MATRIX, exclusiveConnectDuringTransaction, elCapitanScardTransmit];
export const DEFAULT_SCENARIO = elCapitanScardConnect;

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}
