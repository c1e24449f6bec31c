// Judging an observation against a scenario's data. No PC/SC here: the
// orchestrator gathers facts, this module decides what they mean.
import { platformId, sameOutcome, type KnownBug, type Outcome, type PlatformId, type Scenario } from '../scenarios/types.js';

export const VERDICTS = ['not-affected', 'bug-reproduced', 'unexpected', 'inconclusive', 'no-reference'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_EXIT_CODES: Record<Verdict, number> = {
  'not-affected': 0,
  'bug-reproduced': 1,
  unexpected: 1,
  inconclusive: 2,
  // Nothing to compare with on this platform: not a pass, and not a deviation either.
  'no-reference': 2,
};

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
      return 'success';
    case 'blocked':
      return 'blocked (the call had not returned)';
    case 'error':
      return outcome.name;
  }
}

export function judge(scenario: Scenario, observed: Outcome, platform: PlatformId | null = platformId()): Judgement {
  const expected = (platform && scenario.expected[platform]) ?? null;
  const signature = scenario.signatures.find((candidate) => sameOutcome(candidate.observed, observed));
  if (expected && sameOutcome(expected, observed)) {
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
    return { verdict: 'no-reference', expected: null, knownBug: null, reason: `no reference expectation for this platform; observed ${describeOutcome(observed)}` };
  }
  const reason =
    observed.kind === 'success' && scenario.holder.mode === 'exclusive' && scenario.observe === 'contender-connect'
      ? 'the connect succeeded while another process held the reader exclusively: exclusivity is not enforced'
      : `expected ${describeOutcome(expected)}, observed ${describeOutcome(observed)}`;
  return { verdict: 'unexpected', expected, knownBug: null, reason };
}
