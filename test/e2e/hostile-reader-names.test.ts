// Reader names with spaces, unicode, `|`, backticks, quotes and newlines, as a
// real pcscd reports them: shown verbatim in text (a name holding a newline
// JSON-quoted, so it cannot forge a line), exact in JSON, and kept inside its
// cell in markdown. The names come from private pcscds with their own
// reader.conf (test/support/private-pcscd.ts); the system pcscd that the other
// tests share is never touched. A double quote cannot come from reader.conf
// (pcscd strips every `"`): test/unit/hostile-names-rendering.test.ts covers it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startPrivatePcscd, untilCard, type PrivatePcscd } from '../support/private-pcscd.js';
import { startPcscStack, type PcscStack } from '../support/pcsc-stack.js';
import { runCli, jsonOutput } from '../support/cli.js';
import { insertVirtualCard, type VirtualCard } from '../../src/virtual-card/vpcd-card.js';
import { shellQuote } from '../../src/orchestrator/report.js';

interface Case {
  label: string;
  /** The FRIENDLYNAME value in reader.conf. */
  conf: string;
  /** The name pcscd gives the reader before " 00 00" / " 00 01". */
  base: string;
  port: number;
  /** What a user types after --reader: a part of the slot-0 name. */
  part: string;
  /** The slot-0 name in text output, in markdown source. */
  text: string;
  markdown: string;
  pcscd?: PrivatePcscd;
  card?: VirtualCard;
}

const ODD = "Lecteur été ✓ | `tick` it's \\back *x* <b>";
const CASES: Case[] = [
  {
    label: 'the odd name',
    conf: `"${ODD}"`,
    base: ODD,
    port: 0x8c7d, // 35965, 35966; the system vpcd has 35963 and 35964
    part: "| `tick` it's \\back *x* <b> 00 00",
    text: `${ODD} 00 00`,
    // A code span: a fence longer than the backticks inside, and `\|` for the table.
    markdown: "``Lecteur été ✓ \\| `tick` it's \\back *x* <b> 00 00``",
  },
  {
    label: 'the newline name',
    // No closing quote: pcscd keeps the newline that ends the value.
    conf: '"Lecteur piégé',
    base: 'Lecteur piégé\n',
    port: 0x8c7f, // 35967, 35968
    part: 'piégé\n 00 00',
    text: '"Lecteur piégé\\n 00 00"',
    markdown: '`Lecteur piégé\\u000a 00 00`',
  },
];
const reader = (c: Case) => `${c.base} 00 00`;

function cli(c: Case, args: string[]) {
  assert.ok(c.pcscd, `the private pcscd for ${c.label} did not start`);
  return runCli(args, { env: c.pcscd.env });
}

function systemPidFile(): string | null {
  try {
    // pcscd ends the pid with a NUL.
    return readFileSync('/run/pcscd/pcscd.pid', 'utf8').replace(/\0/g, '').trim();
  } catch {
    return null;
  }
}

/** The system pcscd, which the private ones must leave running with its pid file. */
let system: { stack: PcscStack; pid: string };

function assertSystemPcscdUntouched(): void {
  assert.equal(systemPidFile(), system.pid, 'the system pcscd pid file changed');
  assert.doesNotThrow(() => process.kill(Number(system.pid), 0), 'the system pcscd is gone');
}

before(async () => {
  const stack = await startPcscStack();
  const pid = systemPidFile();
  assert.ok(pid, 'the system pcscd has no pid file');
  system = { stack, pid };
  for (const c of CASES) {
    c.pcscd = await startPrivatePcscd({ friendlyName: c.conf, port: c.port });
    c.card = await insertVirtualCard({ port: c.port });
    await untilCard(c.pcscd, reader(c), true);
  }
});

after(async () => {
  for (const c of CASES) {
    await c.card?.remove();
    await c.pcscd?.stop();
  }
  await system?.stack.stop();
});

test('the private pcscds leave the system pcscd alone', () => {
  assertSystemPcscdUntouched();
  for (const c of CASES) assert.notEqual(String(c.pcscd!.pid), system.pid);
});

for (const c of CASES) {
  test(`readers --json: ${c.label} round-trips exactly`, async () => {
    const result = await cli(c, ['readers', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = jsonOutput(result.stdout);
    assert.deepEqual(
      report.readers.map((r: { reader: string }) => r.reader),
      [`${c.base} 00 00`, `${c.base} 00 01`],
    );
    assert.equal(report.readers[0].cardPresent, true);
  });

  test(`readers as text: ${c.label} on its own line`, async () => {
    const result = await cli(c, ['readers']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4, result.stdout);
    assert.equal(lines[0], `0: ${c.text}`);
    assert.equal(lines[2], `1: ${c.text.replace('00 00', '00 01')}`);
    assert.match(lines[1]!, /card present {2}ATR: 3B 80 80 01 01$/);
  });

  test(`connect and lock: --json gives ${c.label} exactly; text, one Using line`, async () => {
    for (const command of ['connect', 'lock'] as const) {
      const args = [command, '--reader', c.part, ...(command === 'lock' ? ['--hold', '0.01'] : [])];
      const json = await cli(c, [...args, '--json']);
      assert.equal(json.code, 0, json.stdout + json.stderr);
      assert.equal(jsonOutput(json.stdout).reader, reader(c));
      const text = await cli(c, args);
      assert.equal(text.code, 0, text.stdout + text.stderr);
      const lines = text.stdout.split('\n');
      assert.equal(lines[0], `Using: ${c.text}`);
      assert.match(
        lines[1]!,
        command === 'lock' ? /^Holding the reader with SCARD_SHARE_EXCLUSIVE/ : /^SCardConnect\(SCARD_SHARE_SHARED\) succeeded/,
      );
    }
  });

  test(`repro --json: reader.name is exactly ${c.label}, and the command quotes it for a shell`, async () => {
    const result = await cli(c, ['repro', '--json', '--reader', c.part]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = jsonOutput(result.stdout);
    assert.equal(report.verdict, 'not-affected');
    assert.equal(report.reader.name, reader(c));
    assert.equal(report.reader.atr, '3B 80 80 01 01');
    assert.equal(report.commandLine, shellQuote(['sc-repro', 'repro', '--json', '--reader', c.part]));
    assert.ok(!/[\n\r]/.test(report.commandLine), 'the command line is one line');
  });

  test(`repro as text: the Reader line shows ${c.label} on one line`, async () => {
    const result = await cli(c, ['repro', '--reader', c.part]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = result.stdout.split('\n');
    const at = lines.indexOf(`  Reader    ${c.text}  (ATR 3B 80 80 01 01)`);
    assert.ok(at > 0, result.stdout);
    assert.match(lines[at - 1]!, /^ {2}Scenario {2}el-capitan-scardconnect: /);
    assert.match(lines[at + 1]!, /^ {2}Expected {2}SCARD_E_SHARING_VIOLATION/);
  });

  test(`repro --markdown: ${c.label} stays inside its table cell`, async () => {
    const result = await cli(c, ['repro', '--markdown', '--reader', c.part]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const markdown = result.stdout;
    assert.ok(markdown.split('\n').includes(`| Reader | ${c.markdown}  (ATR \`3B 80 80 01 01\`) |`), markdown);
    // GFM splits a row on every `|` not escaped as `\|`: each row keeps its two cells.
    for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) {
      assert.equal(line.split(/(?<!\\)\|/).length, 4, line);
    }
    assert.ok(
      markdown.includes(`   \`\`\`sh\n   ${shellQuote(['sc-repro', 'repro', '--markdown', '--reader', c.part])}\n   \`\`\``),
      markdown,
    );
  });
}

test('nothing is left behind: no client process, and the private pcscds are gone', async () => {
  for (const c of CASES) {
    await c.card?.remove();
    c.card = undefined;
    const { pid } = c.pcscd!;
    const leftovers = c.pcscd!.leftovers();
    await c.pcscd!.stop();
    assert.deepEqual(leftovers, [], `processes still using the private pcscd for ${c.label}: ${leftovers.join(', ')}`);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  }
  assertSystemPcscdUntouched();
});
