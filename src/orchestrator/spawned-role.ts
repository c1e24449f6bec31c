// Starting a role process, apart from driving it: the CLI starts the roles of
// `repro` and `matrix` before it has loaded the rest of itself (see
// src/cli/early-roles.ts), and a RoleProcess takes the started process over.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoleName } from '../roles/protocol.js';

// The CLI's early start names roles through here: cli/ sits above the role protocol, not on it.
export type { RoleName };

// The built entry, from the sources and from the bundle alike (both sit two folders below the package root). No code cache:
// the loader's own file would cost a role about what the cache saves it (a 90 KB bundle).
const ROLE_ENTRY = fileURLToPath(new URL('../../dist/roles/entry.cjs', import.meta.url));

export interface SpawnedRole {
  readonly name: RoleName;
  /** The whole environment the process was started with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly child: ChildProcess;
  /** Once the process has exited, or could not be started. */
  readonly exited: Promise<void>;
  /** From now on every message goes to `deliver`, those that came before first. */
  adopt(deliver: (value: unknown) => void): void;
}

export function spawnRole(name: RoleName, extraEnv: Record<string, string> = {}): SpawnedRole {
  const env = { ...process.env, ...extraEnv };
  const child = spawn(process.execPath, [ROLE_ENTRY, name], {
    env,
    // A role says everything, failures included, over the channel.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    windowsHide: true,
  });
  // Until it is adopted, a message ('ready') waits here: a message with no listener would be lost.
  const early: unknown[] = [];
  const keep = (value: unknown) => early.push(value);
  child.on('message', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('error', () => resolve());
    child.once('exit', () => resolve());
  });
  return {
    name,
    env,
    child,
    exited,
    adopt(deliver) {
      child.off('message', keep);
      child.on('message', deliver);
      for (const value of early.splice(0)) deliver(value);
    },
  };
}
