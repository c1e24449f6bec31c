// How this copy of sc-repro was installed, so that a hint names a command that
// exists for the person reading it: a clone has scripts/ and runs npm in its
// own folder; a global or npx install has neither, and `npm rebuild` run in
// some other folder does not reach it.
import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Install =
  /** A source tree (a git clone, or its folder linked by `npm link` or `npm install -g .`): its scripts/ are there. */
  | { kind: 'clone'; root: string }
  /** A package folder that npm manages locally: a dependency of the project in `dir`, or an unpacked package in `dir` itself. */
  | { kind: 'project'; dir: string }
  /** `npm install -g` of the package: only npm's -g commands reach it. */
  | { kind: 'global' }
  /** npx's copy, in npx's cache folder `cache`, which npx reuses until it is deleted. */
  | { kind: 'npx'; cache: string };

type PathApi = { join: typeof join; sep: string };

/**
 * Classifies the package folder `root` (its real path: `npm link` and
 * `npm install -g <folder>` make symlinks to the source tree). The script the
 * hints name is the signal of a clone, rather than `.git`: a source archive
 * has the scripts and no `.git`, and `files` in package.json keeps scripts/
 * out of every packed install.
 */
export function classifyInstall(root: string, exists: (path: string) => boolean, path: PathApi = { join, sep }): Install {
  if (exists(path.join(root, 'scripts', 'setup.sh'))) return { kind: 'clone', root };
  const segments = root.split(/[\\/]/);
  const folder = (end: number) => segments.slice(0, end).join(path.sep) || path.sep;
  // npx installs into <cache>/_npx/<hash>/node_modules/sc-repro.
  const npx = segments.lastIndexOf('_npx');
  if (npx >= 0 && npx + 2 < segments.length) return { kind: 'npx', cache: folder(npx + 2) };
  // The outermost node_modules: npm run above it reaches every copy inside, a nested or a pnpm one too.
  const modules = segments.indexOf('node_modules');
  if (modules > 0) {
    const above = folder(modules);
    // A project has its package.json beside node_modules; npm's global prefix (<prefix>/lib, or %APPDATA%\npm on Windows) has none.
    return exists(path.join(above, 'package.json')) ? { kind: 'project', dir: above } : { kind: 'global' };
  }
  return { kind: 'project', dir: root };
}

let current: Install | undefined;

/** This process's install: the package folder is two levels above this module, in the sources (src/platform/) and in the bundles (dist/cli/, dist/roles/). */
export function thisInstall(): Install {
  if (!current) {
    const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]+$/, '');
    let real = root;
    try {
      real = realpathSync(root);
    } catch {
      // An unreadable path stays as given.
    }
    current = classifyInstall(real, existsSync);
  }
  return current;
}
