// Holder and contender kept warm across repetitions: each is one process with
// one PC/SC context for its whole life, answering the orchestrator's requests
// over IPC. Spawning two processes per repetition would cost more than the
// PC/SC calls being measured.
import type { ReaderSelector } from '../cli/options.js';
import { reportFor } from '../cli/errors.js';
import type { PcscContext } from '../pcsc/scard.js';
import type { ContenderPlan, HolderPlan } from '../scenarios/types.js';
import { attempt } from './contender.js';
import { takeHold, watchForLoss, type Hold, type LossWatch } from './holder.js';
import { roleChannel, type RoleChannel } from './ipc.js';
import { withReader, type CardWait } from './session.js';
import { connectResultJson } from '../render/connect-text.js';
import { EXIT } from '../cli/exit-codes.js';
import { interruptSignal } from '../cli/run-command.js';

type Request = { type: string; id: number } & Record<string, unknown>;

const never = new Promise<never>(() => {});

interface ServedRole {
  handlers: Record<string, (request: Request) => Promise<object>>;
  /** Whatever the role still holds when the orchestrator goes away. */
  cleanup(): Promise<void>;
  /** Rejects when what the role holds is gone (card removed, service stopped): the role then exits 2 with the cause. */
  lost?: Promise<never>;
}

/** Answers requests one at a time, in order, until the orchestrator goes away. */
function serve(
  selector: ReaderSelector | undefined,
  waitCardSeconds: number | undefined,
  makeRole: (context: PcscContext, reader: string, channel: RoleChannel) => ServedRole,
): Promise<number> {
  const channel = roleChannel();
  const cardWait: CardWait = { waitCardSeconds, onWaitingForCard: (reader) => channel.send({ type: 'waiting-card', reader }) };
  // Ctrl-C in a terminal reaches the whole process group, roles included; the
  // orchestrator's SIGTERM is how it ends a role that is stuck in a call.
  const interrupt = interruptSignal();
  const interrupted = new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  return withReader(selector, async (context, reader) => {
    const role = makeRole(context, reader, channel);
    let queue = Promise.resolve();
    channel.onRequest((request) => {
      queue = queue.then(async () => {
        const handler = role.handlers[request.type];
        try {
          if (!handler) throw new Error(`unknown request '${request.type}'`);
          channel.send({ id: request.id, ...(await handler(request)) });
        } catch (error) {
          channel.send({ type: 'failed', id: request.id, ...reportFor(error) });
        }
      });
    });
    channel.send({ type: 'ready', reader });
    // A request stuck in a PC/SC call never settles the queue: a signal ends the wait.
    try {
      await Promise.race([channel.parentGone.then(() => queue), interrupted, role.lost ?? never]);
    } finally {
      await role.cleanup();
    }
    return interrupt.exitCode() ?? EXIT.ok;
  }, cardWait).finally(() => channel.close());
}

export function serveHolder(selector: ReaderSelector | undefined, waitCardSeconds?: number): Promise<number> {
  return serve(selector, waitCardSeconds, (context, reader) => {
    let held: Hold | null = null;
    let watch: LossWatch | null = null;
    let loseHold: (cause: Error) => void = () => {};
    const lost = new Promise<never>((_, reject) => (loseHold = reject));
    const release = async () => {
      const hold = held;
      held = null;
      watch?.stop();
      watch = null;
      return hold ? hold.release() : 0;
    };
    return {
      lost,
      handlers: {
        hold: async (request) => {
          await release();
          held = await takeHold(context, reader, request.plan as HolderPlan);
          const current = (watch = watchForLoss(context, reader));
          void current.lost.then((cause) => watch === current && loseHold(cause));
          return { type: 'held', reader, protocol: held.protocol, heldAt: held.heldAt.toISOString() };
        },
        transmit: async () => {
          const started = performance.now();
          try {
            if (!held) throw new Error('nothing is held');
            await held.transmit();
            return { type: 'transmitted', ok: true, latencyMs: performance.now() - started };
          } catch (error) {
            return { type: 'transmitted', ok: false, latencyMs: performance.now() - started, ...reportFor(error) };
          }
        },
        release: async () => ({ type: 'released', heldMs: await release() }),
      },
      cleanup: async () => void (await release().catch(() => {})),
    };
  });
}

export function serveContender(selector: ReaderSelector | undefined, waitCardSeconds?: number): Promise<number> {
  return serve(selector, waitCardSeconds, (context, reader, channel) => ({
    handlers: {
      attempt: async (request) => {
        channel.send({ type: 'attempt', id: request.id });
        const result = await attempt(context, reader, request.plan as ContenderPlan);
        return { ...connectResultJson(result), type: 'result' };
      },
    },
    cleanup: async () => {},
  }));
}
