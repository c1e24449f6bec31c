// What the scenario does to the card during the hold, through the card
// control it was given (the orchestrator's own virtual card, or the person
// at the terminal), and putting the card back when a run ends without it.
import { lookUntil } from './observer.js';
import { Inconclusive, type Run } from './run-state.js';

/** The card taken out (and, when the scenario says, put back) before the holder's judged call. */
export async function cardEvent(run: Run): Promise<void> {
  const { options, observer } = run;
  const control = options.card!;
  const { reader } = options;
  const present = async (want: boolean) => {
    const view = await lookUntil(observer, reader, (v) => v.flags.includes('PRESENT') === want, control.withinMs, options.signal).finally(
      () => control.settled?.(),
    );
    run.throwIfInterrupted();
    if (view.flags.includes('PRESENT') !== want)
      throw new Inconclusive(
        `the card was not ${want ? 'put back into' : 'taken out of'} ${JSON.stringify(reader)} within ${control.withinMs / 1000} s`,
      );
  };
  run.cardIs('taken-out');
  options.onPhase?.('removing the card');
  await control.remove(reader);
  await present(false);
  if (options.scenario.card === 'removed-and-reinserted') {
    options.onPhase?.('inserting the card again');
    await control.insert(reader);
    await present(true);
    run.cardIs('put-back');
  }
}

/** A card the scenario took away goes back for the runs that follow; failures here are the next run's to report. */
export async function putCardBack(run: Run): Promise<void> {
  const control = run.options.card!;
  try {
    // Never taken out (the removal was not seen): nothing to ask for.
    if (run.observer.look(run.options.reader).flags.includes('PRESENT')) return;
  } catch {
    // No reader state: the service or the reader is gone, which the next run reports.
    return;
  }
  await control.insert(run.options.reader).catch(() => {});
  await lookUntil(run.observer, run.options.reader, (view) => view.flags.includes('PRESENT'), control.withinMs, run.options.signal)
    .catch(() => {})
    .finally(() => control.settled?.());
}
