// node-pcsclite 1.0.1's CardReader.close() can end the status thread without
// closing its libuv handle (src/pcsc/handles-left-open.ts): the reader then
// never says `end`, and the process cannot end by itself. The adapter's close
// counts such readers, so that the CLI ends the process once its work is
// done. A fake addon whose readers do, or never do, say `end` when closed.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { handlesLeftOpen } from '../../src/pcsc/load-binding.js';
import { pcscliteBinding } from '../../src/pcsc/pcsclite-adapter.js';
import type { PcscliteAddon } from '../../src/pcsc/pcsclite-addon.js';
import type { AddonComplement } from '../../src/pcsc/binding.js';

const READER = 'Fake Reader 00 00';

/** The addon's factory as pcsclite.js makes it: the listing's callback creates each reader, which reports its status once. */
function fakeAddon(endsWhenClosed: boolean): PcscliteAddon & { closed: string[] } {
  const closed: string[] = [];
  const monitor = () => {
    const emitter = Object.assign(new EventEmitter(), {
      readers: {} as Record<string, any>,
      start: (callback: (err: unknown, data?: Buffer) => void) => setImmediate(() => callback(null, Buffer.from(`${READER}\0\0`))),
      close: () => closed.push('monitor'),
    });
    process.nextTick(() =>
      emitter.start(() => {
        const reader = Object.assign(new EventEmitter(), {
          name: READER,
          close: () => {
            closed.push(READER);
            if (endsWhenClosed) setImmediate(() => reader.emit('end'));
          },
        });
        emitter.readers[READER] = reader;
        emitter.emit('reader', reader);
        setImmediate(() => reader.emit('status', { state: 0x12 }));
      }),
    );
    return emitter as unknown as ReturnType<PcscliteAddon['monitor']>;
  };
  return { monitor, CardReader: class {} as unknown as PcscliteAddon['CardReader'], closed };
}

const complement = {} as AddonComplement;

/** Lists the fake reader on a context, closes the context: what was closed, and how many handles that left open. */
async function listThenClose(endsWhenClosed: boolean): Promise<{ closed: string[]; leftOpen: number }> {
  const addon = fakeAddon(endsWhenClosed);
  const context = await pcscliteBinding(complement, addon).openContext();
  assert.deepEqual(await context.listReaders(), [READER]);
  const before = handlesLeftOpen();
  await context.close();
  return { closed: addon.closed, leftOpen: handlesLeftOpen() - before };
}

test('a reader that says `end` once closed left nothing open', async () => {
  assert.deepEqual(await listThenClose(true), { closed: [READER, 'monitor'], leftOpen: 0 });
});

test('a reader that never says `end` once closed is counted as a handle left open', async () => {
  assert.deepEqual(await listThenClose(false), { closed: [READER, 'monitor'], leftOpen: 1 });
});
