// Several --output files from one report: each file's format from its
// extension, else the one the command line chose; no colour in any file;
// the terminal keeps the text summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputFormat } from '../../src/commands/report-output.js';

test('a file takes the format its extension names, in any case; any other name takes the chosen one', () => {
  for (const chosen of ['text', 'json', 'markdown'] as const) {
    assert.equal(outputFormat('/tmp/r.json', chosen), 'json');
    assert.equal(outputFormat('/tmp/r.md', chosen), 'markdown');
    assert.equal(outputFormat('/tmp/r.txt', chosen), 'text');
    assert.equal(outputFormat('C:\\Reports\\R.JSON', chosen), 'json');
    assert.equal(outputFormat('/tmp/R.Md', chosen), 'markdown');
    for (const other of ['/tmp/report.log', '/tmp/report', '/dev/fd/63', '/tmp/json', '/tmp/.md', '/tmp/r.md.bak', '/tmp/r.markdown']) {
      assert.equal(outputFormat(other, chosen), chosen, `${other} with ${chosen}`);
    }
  }
});

const CHILD = fileURLToPath(new URL('../support/emit-report.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** emitReport in a process of its own (test/support/emit-report.ts): what it returned, and what it wrote on stdout and stderr. */
function emitInChild(format: string, outputs: string[]): { value: { written: boolean }; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, format, ...outputs], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const lines = child.stderr.split('\n');
  const result = lines.at(-2) ?? '';
  assert.match(result, /^RESULT /, child.stderr);
  return {
    value: JSON.parse(result.slice('RESULT '.length)),
    stdout: child.stdout,
    stderr: lines
      .slice(0, -2)
      .map((line) => `${line}\n`)
      .join(''),
  };
}

test('one report, one file per format, no colour in any, the coloured text summary on the terminal', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-emit-'));
  try {
    const paths = ['r.md', 'r.json', 'r.txt', 'r.log'].map((name) => join(folder, name));
    const { value, stdout, stderr } = emitInChild('markdown', paths);
    assert.equal(value.written, true);
    assert.deepEqual(
      paths.map((path) => readFileSync(path, 'utf8')),
      ['### `not-affected`\n', '{"verdict":"not-affected"}\n', 'not-affected (text)\n', '### `not-affected`\n'],
    );
    assert.equal(stdout, `\u001b[32mnot-affected\u001b[39m (text)\n${paths.map((path) => `Report written to ${path}\n`).join('')}`);
    assert.equal(stderr, '');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a file that cannot be written is one line on stderr; the others are written and the verdict is shown', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sc-repro-emit-'));
  try {
    const written = join(folder, 'r.json');
    const lost = join(folder, 'gone', 'r.md');
    const { value, stdout, stderr } = emitInChild('text', [lost, written]);
    assert.equal(value.written, false);
    assert.equal(readFileSync(written, 'utf8'), '{"verdict":"not-affected"}\n');
    assert.equal(stdout, `\u001b[32mnot-affected\u001b[39m (text)\nReport written to ${written}\n`);
    assert.equal(stderr, `sc-repro: error: could not write the report to ${lost} (ENOENT)\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('no --output: the chosen format on stdout, as it was', () => {
  const { value, stdout, stderr } = emitInChild('json', []);
  assert.equal(value.written, true);
  assert.equal(stdout, '{"verdict":"not-affected"}\n');
  assert.equal(stderr, '');
});
