import type { PlatformId, Scenario } from '../scenarios/types.js';
import { outcomeName } from '../orchestrator/summary.js';
import { out } from './style.js';

export function scenarioJson(scenario: Scenario, platform: PlatformId | null) {
  const expected = platform ? scenario.expected[platform] : undefined;
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
