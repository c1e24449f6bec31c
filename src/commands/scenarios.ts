import { EXIT } from '../core/exit-codes.js';
import { platformId } from '../platform/platform-id.js';
import { SCENARIOS, scenarioJson } from '../scenarios/catalog.js';
import { renderScenarios } from '../render/scenarios-text.js';

export function scenariosCommand(options: { json: boolean }): number {
  const platform = platformId();
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ platform, scenarios: SCENARIOS.map((scenario) => scenarioJson(scenario, platform)) }, null, 2)}\n`
      : renderScenarios(SCENARIOS, platform),
  );
  return EXIT.ok;
}
