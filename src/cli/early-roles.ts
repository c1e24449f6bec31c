// The start-up fast path. `repro` and `matrix` wait, before anything else, for
// their two role processes to start, so the entry starts them first, from the
// words of the command line alone, before the rest of the CLI (commander, the
// renderers, the orchestrator) is even loaded: the roles' start-up overlaps
// the CLI's. The CLI then parses the command line as always, and takes a
// started role over only if it was started with the very environment the CLI
// would give it; any other is stopped, and any not taken, as after a usage
// error, is stopped before the process ends. The reading here may give up on
// anything unusual: the CLI then starts the roles itself, as it always did.
import { constants } from 'node:os';
import { INTERRUPT_SIGNALS } from '../core/interrupt.js';
import { spawnRole, type RoleName, type SpawnedRole } from '../orchestrator/spawned-role.js';

/** The commands that run scenarios on two role processes. */
const RUN_COMMANDS = ['repro', 'matrix'];
const ROLES: readonly RoleName[] = ['holder', 'contender'];

/**
 * The options before the command that set what the roles inherit, and the
 * variable each sets (program.ts: the preAction hook, and disableColor).
 * A unit test checks them against the program's global options.
 */
export const GLOBAL_ROLE_SETTINGS: Readonly<Record<string, string>> = {
  '--binding': 'SC_REPRO_BINDING',
  '--pcsc-library': 'SC_REPRO_PCSC_LIBRARY',
};
/** `--vpcd-port`'s variable (VPCD_PORT_ENV, which this small bundle does not import; a unit test checks they agree). */
export const VPCD_PORT_VARIABLE = 'SC_REPRO_VPCD_PORT';
const ROLE_ENV_OPTIONS: Readonly<Record<string, RoleName>> = { '--holder-env': 'holder', '--contender-env': 'contender' };
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** `--flag=value` or `--flag`. */
function split(word: string): [string, string | undefined] {
  const at = word.indexOf('=');
  return word.startsWith('--') && at !== -1 ? [word.slice(0, at), word.slice(at + 1)] : [word, undefined];
}

/**
 * What each role's environment gets on top of this process's when the words
 * name `repro` or `matrix`; null when they name another command, or anything this reading is not sure of (help, `--`, an option it does not
 * know before the command, a value that is missing or malformed).
 */
export function earlyRoleEnvs(argv: readonly string[]): Record<RoleName, Record<string, string>> | null {
  const words = argv.slice(2);
  const shared: Record<string, string> = {};
  let at = 0;
  for (; at < words.length && words[at]!.startsWith('-'); at++) {
    if (words[at] === '--no-color') {
      shared.NO_COLOR = '1';
      continue;
    }
    const [flag, inline] = split(words[at]!);
    const variable = GLOBAL_ROLE_SETTINGS[flag];
    const value = inline ?? words[++at];
    if (!variable || value === undefined) return null;
    // As commander hands --binding to its parser: trimmed, in lower case.
    shared[variable] = flag === '--binding' ? value.trim().toLowerCase() : value;
  }
  if (!RUN_COMMANDS.includes(words[at] ?? '')) return null;
  const envs: Record<RoleName, Record<string, string>> = { holder: { ...shared }, contender: { ...shared } };
  for (at++; at < words.length; at++) {
    // With --virtual the roles start before the card is in: they connect only once a PC/SC context has seen it (built-in-card.ts).
    if (['--', '-h', '--help'].includes(words[at]!)) return null;
    const [flag, inline] = split(words[at]!);
    if (flag === '--vpcd-port') {
      // The CLI puts the port in its own environment, which the roles inherit (run-commands.ts).
      const port = inline ?? words[++at] ?? '';
      if (!/^[1-9][0-9]{0,4}$/.test(port)) return null;
      envs.holder[VPCD_PORT_VARIABLE] = envs.contender[VPCD_PORT_VARIABLE] = port;
      continue;
    }
    const role = ROLE_ENV_OPTIONS[flag];
    if (!role) continue;
    const assignment = ASSIGNMENT.exec(inline ?? words[++at] ?? '');
    if (!assignment) return null;
    envs[role][assignment[1]!] = assignment[2]!;
  }
  return envs;
}

export interface StartedRoles {
  /** The role's started process if it was started with `env` on top of this process's environment as it is now; else none, and it is stopped. */
  take(role: RoleName, env: Record<string, string>): SpawnedRole | undefined;
  /** Stops every started role not taken. */
  discard(): void;
}

const sameEnv = (a: Readonly<Record<string, string | undefined>>, b: Readonly<Record<string, string | undefined>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((key) => a[key] === b[key]);

/** Starts both roles when the command line names `repro` or `matrix`. */
export function startRolesEarly(argv: readonly string[] = process.argv): StartedRoles | null {
  const envs = earlyRoleEnvs(argv);
  if (!envs) return null;
  const started = new Map<RoleName, SpawnedRole>();
  // A role that was not taken has been sent nothing and holds nothing: it only has to go, at once.
  const stop = ({ child }: SpawnedRole) => child.kill('SIGKILL');
  const discard = () => {
    for (const spawned of started.values()) stop(spawned);
    started.clear();
  };
  process.on('exit', discard);
  // Until the CLI listens for signals itself (core/interrupt.ts), a signal ends this process at once and would
  // leave the roles behind: they go first, then the process ends of the signal, as it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    discard();
    for (const name of INTERRUPT_SIGNALS) process.removeListener(name, onSignal);
    if (process.platform === 'win32') process.exit(128 + constants.signals[signal]);
    process.kill(process.pid, signal);
  };
  // Before the first spawn: from then on, a signal must not end the process by default.
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, onSignal);
  for (const role of ROLES) started.set(role, spawnRole(role, envs[role]));
  return {
    take(role, env) {
      const spawned = started.get(role);
      started.delete(role);
      if (spawned && sameEnv(spawned.env, { ...process.env, ...env })) return spawned;
      if (spawned) stop(spawned);
      return undefined;
    },
    discard,
  };
}
