// A file in src/ has one job: past 400 lines it has more, and is split by them
// (how run-scenario.ts became the orchestrator's step files).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const MOST_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

test(`no file in src/ is over ${MOST_LINES} lines`, () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `${files.length} files found under ${SRC}`);
  const over = files
    .map((file) => ({ file: file.slice(SRC.length + 1), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MOST_LINES)
    .map(({ file, lines }) => `${file}: ${lines}`);
  assert.deepEqual(over, []);
});
