// "Is the reader free?" asked many times in a loop, cheaply: one warm
// `sc-repro connect --serve` process makes an exclusive SCardConnect on
// request and leaves the card at once. A fresh `lock` per check would cost a
// process start-up each time.
import { RoleProcess } from '../../src/orchestrator/role-process.js';
import { VIRTUAL_READER } from './pcsc-stack.js';

export interface ReaderProbe {
  /** True when an exclusive connect from this third process succeeds now. */
  free(): Promise<boolean>;
  /** Exclusive connect, retried until it succeeds or `withinMs` runs out. */
  freeWithin(withinMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startReaderProbe(reader = VIRTUAL_READER): Promise<ReaderProbe> {
  const role = new RoleProcess(['connect', '--reader', reader, '--serve']);
  const ready = await role.waitFor('ready', 10_000);
  if (!ready.message) throw new Error(`the reader probe did not start: ${role.stderr()}`);
  const free = async () => {
    const id = role.request('attempt', { plan: { mode: 'exclusive', protocol: 'any' } });
    const answer = await role.answer(id, 'result', 5000);
    if (!answer.message || answer.message.type === 'failed') throw new Error(`the reader probe failed: ${JSON.stringify(answer)} ${role.stderr()}`);
    return answer.message.ok === true;
  };
  return {
    free,
    async freeWithin(withinMs) {
      const deadline = performance.now() + withinMs;
      for (;;) {
        if (await free()) return true;
        if (performance.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => role.stop(),
  };
}
