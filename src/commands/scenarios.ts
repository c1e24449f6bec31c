import { SCENARIOS } from '../scenarios/catalog.js';
import { platformId } from '../scenarios/types.js';
import { renderScenarios, scenarioJson } from '../render/scenarios-text.js';
import { EXIT } from '../cli/exit-codes.js';

export function scenariosCommand(options: { json: boolean }): number {
  const platform = platformId();
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ platform, scenarios: SCENARIOS.map((scenario) => scenarioJson(scenario, platform)) }, null, 2)}\n`
      : renderScenarios(SCENARIOS, platform),
  );
  return EXIT.ok;
}
