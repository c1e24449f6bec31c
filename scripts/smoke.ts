// Checks that need no reader, for machines where the end-to-end suite cannot
// run (the macOS and Windows CI jobs): the CLI starts, lists its scenarios,
// and under each binding given
// - the binding loads (its adapter, in a process of its own), and
// - `readers --json` and `repro --json` end with exit 2, one JSON object that
//   matches `sc-repro schema`, one line saying why and no stack trace, and the
//   answer is one that only a PC/SC stack that was reached gives on a machine
//   without a reader or a running service: SCARD_E_NO_SERVICE,
//   SCARD_E_SERVICE_STOPPED, SCARD_E_NO_READERS_AVAILABLE or "no smart-card
//   reader found". Anything else fails, a binding that could not load above all:
//   that too is exit 2, and was once counted as a pass.
// With no service the report cannot name the binding (`environment.binding` is
// null: no role started), so the load is checked on its own; when a report
// does name one, it must be the binding asked for. `readers` answers through
// the binding asked for (an explicit --binding has no fallback); `repro`'s
// first answer comes from its observer, which is always ffi, so under
// --binding pcsclite the load check and `readers` are what show the addon.
//   npx tsx scripts/smoke.ts [pcsclite] [ffi]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';

const SELF = fileURLToPath(import.meta.url);
const CLI = fileURLToPath(new URL('../bin/sc-repro.cjs', import.meta.url));
const LOAD_ONLY = '--load-binding';

/** Child mode: load the binding the way the CLI does for `--binding <name>` (no fallback) and print what loaded, or why not. */
async function loadBinding(name: string): Promise<void> {
  process.env.SC_REPRO_BINDING = name;
  const { binding } = await import('../src/pcsc/load-binding.js');
  try {
    process.stdout.write(JSON.stringify({ info: (await binding()).info }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  }
}

/** The answers of a reachable PC/SC stack with no reader or no running service (the Windows service stops with its last reader). */
const NO_PCSC_CODES = ['SCARD_E_NO_SERVICE', 'SCARD_E_SERVICE_STOPPED', 'SCARD_E_NO_READERS_AVAILABLE'];
const NO_READER = 'no smart-card reader found';
const STACK = /\n\s+at .+:\d+:\d+/;

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    detail: `exit ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
  };
}

function parse(text: string): Record<string, any> | null {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return null;
  }
}

/** `readers` carries the code in its error object; sc-repro's own no-reader error has none. */
function readersAnswer(json: Record<string, any>): string | null {
  if (json.error && NO_PCSC_CODES.includes(json.error.name)) return json.error.name as string;
  return json.message === NO_READER && json.error === undefined ? NO_READER : null;
}

/** An inconclusive `repro` carries the failure only in its reason: "…: SCARD_E_NO_SERVICE (0x8010001D): …" or "…no smart-card reader found". */
function reproAnswer(json: Record<string, any>): string | null {
  if (json.verdict !== 'inconclusive' || typeof json.reason !== 'string') return null;
  const code = /(?:^|: )(SCARD_[A-Z_]+) \(0x[0-9A-F]{8}\)/.exec(json.reason)?.[1];
  if (code) return NO_PCSC_CODES.includes(code) ? code : null;
  return /(?:^|: )no smart-card reader found$/.test(json.reason) ? NO_READER : null;
}

function smoke(bindings: string[]): number {
  let failures = 0;
  const check = (label: string, ok: boolean, detail: string): void => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${ok ? '' : `\n${detail}`}`);
    if (!ok) failures++;
  };

  // Every --json output must match `sc-repro schema`, on every OS.
  const schema = run(['schema']);
  const validate = new Ajv2020({ strict: true }).compile(JSON.parse(schema.stdout));
  const version = run(['--version']);
  check('--version', version.code === 0 && /^\d+\.\d+\.\d+/.test(version.stdout), version.detail);
  const scenarios = run(['scenarios', '--json']);
  const listed = parse(scenarios.stdout);
  check('scenarios --json', scenarios.code === 0 && !!listed && validate(listed) && listed.scenarios.length > 0, scenarios.detail);

  for (const binding of bindings) {
    const load = spawnSync(process.execPath, [...process.execArgv, SELF, LOAD_ONLY, binding], { encoding: 'utf8', timeout: 60_000 });
    const loaded = parse(load.stdout);
    check(
      `--binding ${binding} loads${loaded?.info ? ` (${loaded.info.name} ${loaded.info.version ?? ''}, library ${loaded.info.library}${loaded.info.layout ? `, layout ${loaded.info.layout}` : ''})` : ''}`,
      load.status === 0 && loaded?.info?.name === binding,
      `exit ${load.status}\nstdout: ${load.stdout}\nstderr: ${load.stderr}`,
    );
    for (const [command, answer] of [
      ['readers', readersAnswer],
      ['repro', reproAnswer],
    ] as const) {
      const result = run(['--binding', binding, command, '--json']);
      const json = parse(result.stdout);
      const firstLine = result.stderr.split('\n')[0] ?? '';
      const said = json ? answer(json) : null;
      const named = json?.environment?.binding?.name;
      check(
        `--binding ${binding} ${command} --json: exit 2, schema, one line why, no stack, a no-service or no-reader answer${said ? ` (${said})` : ''}`,
        result.code === 2 &&
          !!json &&
          validate(json) &&
          /^sc-repro: (error|inconclusive): \S/.test(firstLine) &&
          !STACK.test(result.stderr) &&
          said !== null &&
          (named === undefined || named === binding),
        result.detail,
      );
    }
  }
  return failures;
}

if (process.argv[2] === LOAD_ONLY) {
  await loadBinding(process.argv[3] ?? '');
} else {
  const bindings = process.argv.slice(2).length ? process.argv.slice(2) : ['ffi'];
  process.exitCode = smoke(bindings) ? 1 : 0;
}
