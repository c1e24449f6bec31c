// sc-repro against another PC/SC client (lock.py and connect.py, the original pyscard reproduction):
// a lock held by sc-repro refuses pyscard's shared connect, and a lock held by
// pyscard makes `sc-repro connect` report the sharing violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useStack } from '../support/pcsc-stack.js';
import { runCli, startCli, jsonOutput } from '../support/cli.js';

const PYTHON = '/usr/bin/python3';
const BASELINE = fileURLToPath(new URL('../../scripts/baseline/', import.meta.url));
const hasPyscard = spawnSync(PYTHON, ['-c', 'import smartcard']).status === 0;

await useStack({ before, after });

test('a lock held by sc-repro refuses pyscard connect.py with a sharing violation', {
  skip: !hasPyscard && 'python3-pyscard is not installed (scripts/setup.sh installs it)',
}, async () => {
  const lock = startCli(['lock', '--hold', '10']);
  await lock.line(/^Holding/);
  const connect = spawnSync(PYTHON, [`${BASELINE}connect.py`], { encoding: 'utf8', timeout: 10_000 });
  lock.child.kill('SIGINT');
  await lock.done;
  assert.equal(connect.status, 1, connect.stdout + connect.stderr);
  assert.match(connect.stdout, /Sharing violation/);
});

test('a lock held by pyscard lock.py makes sc-repro connect report SCARD_E_SHARING_VIOLATION', {
  skip: !hasPyscard && 'python3-pyscard is not installed',
}, async () => {
  const lock = spawn(PYTHON, [`${BASELINE}lock.py`, '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    lock.stdout!.on('data', (chunk) => {
      out += chunk;
      if (/^held$/m.test(out)) resolve();
    });
    lock.once('exit', () => reject(new Error(`lock.py ended early: ${out}`)));
  });
  const connect = await runCli(['connect', '--json']);
  lock.kill('SIGTERM');
  assert.equal(connect.code, 1, connect.stderr);
  assert.equal(jsonOutput(connect.stdout).error.name, 'SCARD_E_SHARING_VIOLATION');
});
