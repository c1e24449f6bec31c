// The CLI loads its bundle with a V8 code cache made at the exit of an earlier
// run (src/cli/code-cache.ts), kept for the build. A run that stopped early
// (here, bad usage) compiled only part of what a whole run does: it must not
// be the one that makes the cache, or every later run would compile the rest
// at each start. The built CLI runs from a copy of bin/ and dist/, so that the
// cache folder (dist/.cache) is this test's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(copy: string, args: string[]): number {
  try {
    execFileSync(process.execPath, [join(copy, 'bin', 'sc-repro.cjs'), ...args], { stdio: 'ignore' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

const caches = (copy: string) => readdirSync(join(copy, 'dist', '.cache')).filter((name) => name.startsWith('main.cjs-'));

test('a run that stopped at bad usage makes no code cache; the next whole run makes it', () => {
  const copy = mkdtempSync(join(tmpdir(), 'sc-repro-cache-'));
  try {
    cpSync(join(root, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(root, 'dist', 'cli'), join(copy, 'dist', 'cli'), { recursive: true });
    // Both command lines name no command: the same cache, "other".
    assert.equal(run(copy, ['--bogus']), 64);
    assert.deepEqual(caches(copy), []);
    assert.equal(run(copy, ['--version']), 0);
    const made = caches(copy);
    assert.equal(made.length, 1, made.join(' '));
    assert.match(made[0]!, /^main\.cjs-other-/);
    // Read from now on, not made again.
    assert.equal(run(copy, ['--version']), 0);
    assert.deepEqual(caches(copy), made);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
