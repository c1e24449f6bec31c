// Facts kept from one run to the next (src/platform/fact-cache.ts): a value is
// reused only under its own key, a null is learnt again, and a folder that
// cannot be used only means learning every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fnv1a } from '../../src/platform/cache-folder.js';
import { cachedFact } from '../../src/platform/fact-cache.js';

function counted(value: string | null) {
  const calls = { count: 0 };
  const learn = async () => {
    calls.count++;
    return value;
  };
  return { calls, learn };
}

test('a fact learnt once is reused under the same key, and only there', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-facts-'));
  try {
    const first = counted('pcsc-lite version 1.9.9.');
    assert.equal(await cachedFact('pcscd of 1:2:3', first.learn, folder), 'pcsc-lite version 1.9.9.');
    assert.equal(await cachedFact('pcscd of 1:2:3', first.learn, folder), 'pcsc-lite version 1.9.9.');
    assert.equal(first.calls.count, 1);
    // Another identity (a rebuilt executable) is learnt anew.
    const other = counted('pcsc-lite version 2.0.0.');
    assert.equal(await cachedFact('pcscd of 1:2:4', other.learn, folder), 'pcsc-lite version 2.0.0.');
    assert.equal(other.calls.count, 1);
    assert.equal(readdirSync(folder).length, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a file under the same name for another key (a hash collision) is not taken; nulls are not kept', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-facts-'));
  try {
    writeFileSync(join(folder, `fact-${fnv1a('wanted')}.json`), JSON.stringify({ key: 'another', value: 'wrong' }));
    const learnt = counted('right');
    assert.equal(await cachedFact('wanted', learnt.learn, folder), 'right');
    assert.equal(learnt.calls.count, 1);
    const unknown = counted(null);
    assert.equal(await cachedFact('unknown', unknown.learn, folder), null);
    assert.equal(await cachedFact('unknown', unknown.learn, folder), null);
    assert.equal(unknown.calls.count, 2);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('no usable folder: learnt every time, never an error', async () => {
  const learnt = counted('v');
  assert.equal(await cachedFact('k', learnt.learn, null), 'v');
  assert.equal(await cachedFact('k', learnt.learn, join(tmpdir(), 'sc-repro-no-such-folder', 'x')), 'v');
  assert.equal(learnt.calls.count, 2);
});
