import { EXIT } from '../core/exit-codes.js';
import { platformId } from '../platform/platform-id.js';
import { SCENARIOS, scenarioJson } from '../scenarios/catalog.js';
import type { Scenario } from '../scenarios/types.js';
import { renderScenarioDetails, renderScenarios } from '../render/scenarios-text.js';
import { renderJson } from '../render/json.js';

/** The whole catalog as a list, or the scenarios asked for in full. */
export function scenariosCommand(options: { json: boolean; scenarios: readonly Scenario[] | null }): number {
  const platform = platformId();
  const scenarios = options.scenarios ?? SCENARIOS;
  process.stdout.write(
    options.json
      ? renderJson('scenarios', EXIT.ok, { platform, scenarios: scenarios.map((scenario) => scenarioJson(scenario, platform)) })
      : options.scenarios
        ? renderScenarioDetails(scenarios, platform)
        : renderScenarios(scenarios, platform),
  );
  return EXIT.ok;
}
