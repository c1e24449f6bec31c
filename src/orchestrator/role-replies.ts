// A role's reply as a step needs it: the message it asked for, or the reason
// the run cannot go on without it, as one sentence for the report.
import { EXIT } from '../core/exit-codes.js';
import { isEnvironmentCode } from '../pcsc/pcsc-error.js';
import { hint } from '../platform/hints.js';
import type { MessageOf, RoleMessage } from '../roles/protocol.js';
import type { Wait } from './mailbox.js';
import type { RoleLink } from './role-process.js';
import { Inconclusive, type Run } from './run-state.js';

/** Why a role did not answer. */
export function roleGone(
  role: RoleLink,
  wait: Exclude<Wait<unknown>, { message: unknown }>,
  what: string,
  timeoutSeconds: number,
): Inconclusive {
  if ('timedOut' in wait) return new Inconclusive(`the ${role.name} did not ${what} within ${timeoutSeconds} s`, hint('slowRole'));
  const said = wait.gone.stopping;
  if (said)
    return new Inconclusive(`the ${role.name} stopped: ${said.error.message}`, said.error.hint ?? null, said.exitCode === EXIT.environment);
  return new Inconclusive(
    `the ${role.name} died before it could ${what}`,
    hint(role.name === 'holder' ? 'holderCrashed' : 'contenderCrashed'),
  );
}

/**
 * The reply a step needs, or the reason the run cannot go on without it: the
 * role failed the request (`failedPrefix`: what it could not do), died, or
 * did not answer in time. The wait is typed by its request (`ask`, or `reply`
 * with the request's `Sent`): anything but `failed` is the reply asked for.
 */
export function needReply<M extends RoleMessage>(
  run: Run,
  role: RoleLink,
  wait: Wait<M | MessageOf<'failed'>>,
  what: string,
  failedPrefix: string,
): Exclude<M, MessageOf<'failed'>> {
  run.throwIfInterrupted();
  if (!('message' in wait)) throw roleGone(role, wait, what, run.options.timeoutSeconds);
  const message: M | MessageOf<'failed'> = wait.message;
  if (message.type !== 'failed') return message as Exclude<M, MessageOf<'failed'>>;
  const failure = message as MessageOf<'failed'>;
  run.record(role.name, failure.calls);
  const code = failure.error.error?.code;
  throw new Inconclusive(
    `${failedPrefix}: ${failure.error.message}`,
    failure.error.hint ?? null,
    code !== undefined && isEnvironmentCode(code),
  );
}
