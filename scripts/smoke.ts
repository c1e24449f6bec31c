// Checks that need no reader, for machines where the end-to-end suite cannot
// run (the macOS and Windows CI jobs): the CLI starts, lists its scenarios,
// and without a reader or a PC/SC service `readers --json` and `repro --json`
// end with exit 2, one JSON object that matches `sc-repro schema`, and one
// line saying why: no crash, no stack trace. Under each binding given.   npx tsx scripts/smoke.ts [pcsclite] [ffi]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';

const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const bindings = process.argv.slice(2).length ? process.argv.slice(2) : ['ffi'];
let failures = 0;

function check(label: string, ok: boolean, detail: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${ok ? '' : `\n${detail}`}`);
  if (!ok) failures++;
}

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, detail: `exit ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}` };
}

const STACK = /\n\s+at .+:\d+:\d+/;
// Every --json output must match `sc-repro schema`, on every OS.
const schema = run(['schema']);
const validate = new Ajv2020({ strict: true }).compile(JSON.parse(schema.stdout));
const matches = (text: string) => {
  try {
    return validate(JSON.parse(text)) as boolean;
  } catch {
    return false;
  }
};
const version = run(['--version']);
check('--version', version.code === 0 && /^\d+\.\d+\.\d+/.test(version.stdout), version.detail);
const scenarios = run(['scenarios', '--json']);
check('scenarios --json', scenarios.code === 0 && matches(scenarios.stdout) && JSON.parse(scenarios.stdout).scenarios.length > 0, scenarios.detail);

for (const binding of bindings) {
  for (const command of [['readers', '--json'], ['repro', '--json']]) {
    const result = run(['--binding', binding, ...command]);
    const parsed = matches(result.stdout);
    const firstLine = result.stderr.split('\n')[0] ?? '';
    check(
      `--binding ${binding} ${command.join(' ')}: exit 2, one JSON object that matches the schema, one line why, no stack`,
      result.code === 2 && parsed && /^sc-repro: (error|inconclusive): \S/.test(firstLine) && !STACK.test(result.stderr),
      result.detail,
    );
  }
}
process.exitCode = failures ? 1 : 0;
