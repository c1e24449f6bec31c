// One hold, rules 4 to 10 of docs/how-repro-decides.md: from the
// contender's preparation to the holder's release, each step once, in order.
import { contenderActs, contenderPrepares, holderJudged, holderJudgedWhileContenderWaits } from './act-steps.js';
import { holderProvesHold, holderReleased, holderReleases, holderTakesReader, observerSeesHold } from './hold-steps.js';
import type { Run } from './run-state.js';

export async function trial(run: Run): Promise<void> {
  const { scenario } = run.options;
  try {
    if (scenario.contender.before?.length) await contenderPrepares(run);
    await holderTakesReader(run);
    const needsProof = await observerSeesHold(run);
    if (needsProof) await holderProvesHold(run);
    // The hold may have begun before the contender was up (rolesReady); --hold counts from the hold all the same.
    await run.contenderReady();
    if (scenario.contenderActsAfterRelease) await holderReleased(run);
    if (scenario.judge.role === 'holder' && scenario.judge.whileContenderWaits) {
      await holderJudgedWhileContenderWaits(run, scenario.judge.step);
    } else {
      if (scenario.contender.act.length) await contenderActs(run);
      // A blocked act is the observation itself.
      if (scenario.judge.role === 'holder' && !run.outcome) await holderJudged(run, scenario.judge.step);
    }
    await holderReleases(run);
  } finally {
    run.disarm();
  }
}

/**
 * The same hold once more, on the same roles, kept longer by `holdLongerMs`
 * when a call is suspected blocked; its calls and notes join the first's.
 */
export async function holdAgain(first: Run, holdLongerMs = 0): Promise<Run> {
  const again = first.again(holdLongerMs);
  try {
    await trial(again);
  } finally {
    first.calls.push(...again.calls);
    first.notes.push(...again.notes);
  }
  return again;
}
