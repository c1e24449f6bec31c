import type { PlatformId } from '../platform/platform-id.js';
import type { Scenario } from '../scenarios/types.js';
import { scenarioJson } from '../scenarios/catalog.js';
import { out } from './style.js';

export function renderScenarios(scenarios: readonly Scenario[], platform: PlatformId | null): string {
  const lines: string[] = [];
  for (const scenario of scenarios) {
    const json = scenarioJson(scenario, platform);
    lines.push(`${out.bold(scenario.id)}  ${scenario.title}`);
    lines.push(`  expected on ${platform ?? 'this platform'}: ${json.expectedHere ?? 'no reference'}`);
    for (const bug of json.knownBugs) lines.push(`  catches: ${bug.vendor} ${bug.vendorBug} (${bug.observed}): ${bug.title}`);
  }
  return `${lines.join('\n')}\n`;
}
