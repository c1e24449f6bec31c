// Holder and contender kept warm across repetitions: each is one process with
// one PC/SC context for its whole life, answering the orchestrator's requests
// over IPC. Spawning two processes per repetition would cost more than the
// PC/SC calls being measured.
import type { ReaderSelector } from '../cli/options.js';
import { reportFor } from '../cli/errors.js';
import type { PcscContext } from '../pcsc/scard.js';
import type { ContenderPlan, HolderPlan } from '../scenarios/types.js';
import { attempt } from './contender.js';
import { takeHold, type Hold } from './holder.js';
import { roleChannel, type RoleChannel } from './ipc.js';
import { withReader } from './session.js';
import { connectResultJson } from '../render/connect-text.js';
import { EXIT } from '../cli/exit-codes.js';

type Request = { type: string; id: number } & Record<string, unknown>;

interface ServedRole {
  handlers: Record<string, (request: Request) => Promise<object>>;
  /** Whatever the role still holds when the orchestrator goes away. */
  cleanup(): Promise<void>;
}

/** Answers requests one at a time, in order, until the orchestrator goes away. */
function serve(
  selector: ReaderSelector | undefined,
  makeRole: (context: PcscContext, reader: string, channel: RoleChannel) => ServedRole,
): Promise<number> {
  const channel = roleChannel();
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
    await channel.parentGone;
    await queue;
    await role.cleanup();
    return EXIT.ok;
  }).finally(() => channel.close());
}

export function serveHolder(selector: ReaderSelector | undefined): Promise<number> {
  return serve(selector, (context, reader) => {
    let held: Hold | null = null;
    const release = async () => {
      const hold = held;
      held = null;
      return hold ? hold.release() : 0;
    };
    return {
      handlers: {
        hold: async (request) => {
          await release();
          held = await takeHold(context, reader, request.plan as HolderPlan);
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

export function serveContender(selector: ReaderSelector | undefined): Promise<number> {
  return serve(selector, (context, reader, channel) => ({
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
