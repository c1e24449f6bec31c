import type { PlatformId } from '../platform/platform-id.js';
import type { Scenario } from '../scenarios/types.js';
import { scenarioJson } from '../scenarios/catalog.js';
import { out } from './style.js';
import { stepsByRole } from './report-parts.js';

type ScenarioJson = ReturnType<typeof scenarioJson>;

function heading(scenario: Scenario): string {
  return `${out.bold(scenario.id)}  ${scenario.title}`;
}

function catches(json: ScenarioJson): string[] {
  return json.knownBugs.map((bug) => `  catches: ${bug.vendor} ${bug.vendorBug} (${bug.observed}): ${bug.title}`);
}

/** The catalog, three lines or so per scenario. */
export function renderScenarios(scenarios: readonly Scenario[], platform: PlatformId | null): string {
  const lines: string[] = [];
  for (const scenario of scenarios) {
    const json = scenarioJson(scenario, platform);
    lines.push(heading(scenario), `  expected on ${platform ?? 'this platform'}: ${json.expectedHere ?? 'no reference'}`, ...catches(json));
  }
  return `${lines.join('\n')}\n`;
}

/** Scenarios in full: what each role calls, in order, and every platform's expectation. */
export function renderScenarioDetails(scenarios: readonly Scenario[], platform: PlatformId | null): string {
  const blocks = scenarios.map((scenario) => {
    const json = scenarioJson(scenario, platform);
    const steps = stepsByRole(json.steps);
    const width = Math.max(...steps.map(([role]) => role.length));
    return [
      heading(scenario),
      `  ${scenario.summary}`,
      ...steps.map(([role, calls]) => `  ${`${role}:`.padEnd(width + 2)}${calls.join(' → ')}`),
      ...Object.entries(json.expected).map(([id, outcome]) => `  expected on ${id}${id === platform ? ' (here)' : ''}: ${outcome}`),
      ...catches(json),
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
