// Judging an observation against a scenario's data. No PC/SC here: the
// orchestrator gathers facts, this module decides what they mean.
import type { Verdict } from '../core/exit-codes.js';
import { platformId, type PlatformId } from '../platform/platform-id.js';
import type { ShareMode } from '../pcsc/constants.js';
import { SHARE_MODE_MATRIX } from './share-mode-matrix.js';
import { matchesOutcome, type KnownBug, type Outcome, type Scenario } from './types.js';

export interface Judgement {
  verdict: Verdict;
  expected: Outcome | null;
  knownBug: KnownBug | null;
  /** Why, in one sentence a person reads first. */
  reason: string;
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'success':
      return outcome.protocol === undefined ? 'success' : `success with protocol ${outcome.protocol}`;
    case 'answered':
      return 'an answer without waiting';
    case 'blocked':
      return `blocked (${outcome.call ? `${outcome.call}${outcome.mode ? `(${outcome.mode.toUpperCase()})` : ''}` : 'the call'} waited for the holder to let go)`;
    case 'error':
      return outcome.name;
  }
}

/** What this platform should answer; null when it has no reference. */
export function expectedOn(scenario: Scenario, platform: PlatformId | null = platformId()): Outcome | null {
  return (platform && scenario.expected[platform]) ?? null;
}

export function judge(scenario: Scenario, observed: Outcome, platform: PlatformId | null = platformId()): Judgement {
  const expected = expectedOn(scenario, platform);
  const signature = scenario.signatures.find(
    (candidate) =>
      (!candidate.platforms || (platform !== null && candidate.platforms.includes(platform))) &&
      matchesOutcome(candidate.observed, observed),
  );
  if (expected && matchesOutcome(expected, observed)) {
    return { verdict: 'not-affected', expected, knownBug: null, reason: `the stack answered ${describeOutcome(observed)}, as expected` };
  }
  if (signature) {
    const bug = signature.bug;
    return {
      verdict: 'bug-reproduced',
      expected,
      knownBug: bug,
      reason: `${describeOutcome(observed)} is the signature of ${bug.vendor} bug ${bug.vendorBug}: ${bug.title}`,
    };
  }
  if (!expected) {
    return {
      verdict: 'no-reference',
      expected: null,
      knownBug: null,
      reason: `no reference expectation for this platform; observed ${describeOutcome(observed)}`,
    };
  }
  const reason =
    observed.kind === 'success' &&
    scenario.holder.mode === 'exclusive' &&
    scenario.judge.role === 'contender' &&
    scenario.contender.act.at(-1)?.call === 'SCardConnect'
      ? 'the connect succeeded while another process held the reader exclusively: exclusivity is not enforced'
      : `expected ${describeOutcome(expected)}, observed ${describeOutcome(observed)}`;
  return { verdict: 'unexpected', expected, knownBug: null, reason };
}

/**
 * The manual flow: `connect` in one terminal while `lock` holds the reader in
 * another. The answer is judged as the scenario in which an exclusive holder
 * (lock's default) meets a connect in this mode, on this platform.
 */
export function judgeManualConnect(
  mode: ShareMode,
  observed: Outcome,
  platform: PlatformId | null = platformId(),
): Judgement & { scenario: Scenario } {
  const scenario = SHARE_MODE_MATRIX.find((candidate) => {
    const [connect] = candidate.contender.act;
    return candidate.holder.mode === 'exclusive' && connect?.call === 'SCardConnect' && connect.mode === mode;
  })!;
  return { ...judge(scenario, observed, platform), scenario };
}
