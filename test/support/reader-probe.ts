// "Is the reader free?" asked many times in a loop, cheaply: one warm
// contender role process makes an exclusive SCardConnect on request and
// leaves the card at once. A fresh `lock` per check would cost a process
// start-up each time.
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
  const role = new RoleProcess('contender');
  const ready = await role.ready(10_000);
  if (!('message' in ready)) throw new Error(`the reader probe did not start: ${JSON.stringify(ready)}`);
  const free = async () => {
    const answer = await role.ask({ type: 'attempt', reader, steps: [{ call: 'SCardConnect', mode: 'exclusive' }] }, 5000);
    if (!('message' in answer) || answer.message.type !== 'attempted')
      throw new Error(`the reader probe failed: ${JSON.stringify(answer)}`);
    return answer.message.calls[0]?.rv === 0;
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
