// `--output` never waits for someone to read it. A FIFO with no reader is bad
// usage, found before anything runs: one line, exit 64, nothing started. A
// pipe that has a reader (process substitution, a FIFO someone reads) gets the
// whole report, even when that reader is slow to take it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, jsonOutput, runCli } from '../support/cli.js';
import { readerIsFree, useStack, VIRTUAL_READER } from '../support/pcsc-stack.js';
import { markedEnv, processesWithMarker } from '../support/process-table.js';

await useStack({ before, after });

const STACK_TRACE = /\bat .+:\d+:\d+/;
/** Far longer than a usage check takes; a run that waits for a reader is killed then, and fails the test. */
const HANG_MS = 15_000;

let folder: string;
before(() => (folder = mkdtempSync(join(tmpdir(), 'sc-repro-fifo-'))));
after(() => rmSync(folder, { recursive: true, force: true }));

function fifo(name: string): string {
  const path = join(folder, name);
  execFileSync('mkfifo', [path]);
  return path;
}

async function waitUntil(check: () => boolean, failure: string, withinMs = 5000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!check()) {
    assert.ok(performance.now() < deadline, failure);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `line` in bash (the shell makes the pipes); resolves once bash and everything it waited for are done. */
function bash(line: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', line], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

for (const [label, args] of [
  ['repro -o', ['repro', '--reader', VIRTUAL_READER]],
  ['repro --json -o', ['repro', '--reader', VIRTUAL_READER, '--json']],
  ['matrix -o', ['matrix', '--reader', VIRTUAL_READER]],
  ['matrix --markdown -o', ['matrix', '--reader', VIRTUAL_READER, '--markdown']],
] as const) {
  test(`${label} a FIFO nobody reads: exit 64 and one line at once, nothing ran, nothing left`, async () => {
    const path = fifo(`${label.replace(/\W+/g, '-')}.fifo`);
    const { env, marker } = markedEnv();
    const result = await runCli([...args, '--output', path], { env, timeoutMs: HANG_MS });
    assert.equal(result.signal, null, `still waiting for a reader after ${HANG_MS} ms: killed`);
    assert.equal(result.code, 64, result.stdout + result.stderr);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.equal(
      lines[0],
      `sc-repro: error: --output ${path}: nobody reads this pipe; start its reader first; see \`sc-repro ${args[0]} --help\``,
    );
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    // Nothing ran: no progress, no report, only the usage error's JSON when --json asked for one.
    if ((args as readonly string[]).includes('--json')) {
      const json = jsonOutput(result.stdout);
      assert.deepEqual(
        [json.command, json.ok, json.exitCode, json.message],
        [args[0], false, 64, lines[0]!.replace('sc-repro: error: ', '')],
      );
    } else {
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(processesWithMarker(marker), [], 'processes left behind');
    assert.equal(await readerIsFree(), true);
  });
}

test('-o >(cat > file): process substitution still gets the whole report', async () => {
  const file = join(folder, 'substituted.json');
  const result = await bash(`"$NODE" "$CLI" repro --reader "$READER" --json --output >(cat > "$FILE"); code=$?; wait $!; exit $code`, {
    NODE: process.execPath,
    CLI,
    READER: VIRTUAL_READER,
    FILE: file,
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^Report written to \/dev\/fd\/\d+$/m);
  const json = jsonOutput(readFileSync(file, 'utf8'));
  assert.deepEqual([json.command, json.verdict, json.exitCode], ['repro', 'not-affected', 0]);
});

test('-o a FIFO that cat reads: the reader that was there when the command started gets the whole report', async () => {
  const path = fifo('cat.fifo');
  const file = join(folder, 'cat.json');
  const reader = spawn('sh', ['-c', 'exec cat "$1" > "$2"', 'sh', path, file], { stdio: 'ignore' });
  const readerDone = new Promise<number | null>((resolve) => reader.on('close', resolve));
  // cat waits in open() for a writer; from then on the FIFO has a reader.
  await waitUntil(
    () => /^(wait_for_partner|fifo_open)$/.test(readFileSync(`/proc/${reader.pid}/wchan`, 'utf8').trim()),
    'cat never opened the FIFO',
  );
  const { env, marker } = markedEnv();
  const result = await runCli(['repro', '--reader', VIRTUAL_READER, '--json', '--output', path], { env, timeoutMs: HANG_MS });
  if (result.signal) reader.kill();
  assert.equal(result.signal, null, `still writing to the FIFO after ${HANG_MS} ms: killed`);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(await readerDone, 0, 'cat ended with an error');
  const json = jsonOutput(readFileSync(file, 'utf8'));
  assert.deepEqual([json.command, json.verdict, json.exitCode], ['repro', 'not-affected', 0]);
  assert.deepEqual(processesWithMarker(marker), []);
});

test('-o a FIFO that is full and read late: the report waits for its reader without blocking, and arrives whole', async () => {
  const path = fifo('slow-reader.fifo');
  const file = join(folder, 'slow-reader.out');
  // The reader opens the FIFO first and reads nothing for two seconds; another
  // writer fills the pipe meanwhile, so the report's first write finds no room.
  const FILL = 65_536;
  const result = await bash(
    [
      '{ sleep 2; cat > "$FILE"; } < "$FIFO" & reader=$!',
      'exec 3> "$FIFO"',
      `head -c ${FILL} /dev/zero >&3`,
      '"$NODE" "$CLI" repro --reader "$READER" --json --output "$FIFO"; code=$?',
      'exec 3>&-',
      'wait $reader',
      'exit $code',
    ].join('\n'),
    { NODE: process.execPath, CLI, READER: VIRTUAL_READER, FIFO: path, FILE: file },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`^Report written to ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const received = readFileSync(file);
  assert.equal(
    received.subarray(0, FILL).every((byte) => byte === 0),
    true,
    'the filler came first',
  );
  const json = jsonOutput(received.subarray(FILL).toString('utf8'));
  assert.deepEqual([json.command, json.verdict, json.exitCode], ['repro', 'not-affected', 0]);
});
