import { elCapitanScardConnect } from './el-capitan-scardconnect.js';
import type { Scenario } from './types.js';

export const SCENARIOS: readonly Scenario[] = [elCapitanScardConnect];
export const DEFAULT_SCENARIO = elCapitanScardConnect;

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}
