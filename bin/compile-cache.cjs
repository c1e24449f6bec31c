// Loads a CommonJS bundle with a V8 code cache, so a process does not compile
// the same 500 KB of JavaScript at every start. Node 22.1+ has this built in
// (module.enableCompileCache); on Node 20 the bundle is compiled through
// vm.Script with the cache V8 made of it last time. The cache is made at
// exit, after the run, so it holds the functions the run compiled too.
// Everything here is best-effort: a cache that cannot be read, is rejected by
// V8 (another Node.js, other flags) or cannot be written means one compile as
// before, never a failure.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** A folder this user alone can write: next to dist/ when the package's folder is writable, else one of this user's in the temporary folder. */
function cacheFolder(bundle) {
  const beside = path.join(path.dirname(bundle), '..', '.compile-cache');
  try {
    fs.mkdirSync(beside, { recursive: true });
    fs.accessSync(beside, fs.constants.W_OK);
    return beside;
  } catch {}
  // A shared temporary folder (POSIX /tmp): the folder is this user's own, or it is not used, as a cache planted by
  // another user would run as this one.
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const own = path.join(os.tmpdir(), `sc-repro-compile-cache${uid === null ? '' : `-${uid}`}`);
  try {
    fs.mkdirSync(own, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(own);
    if (uid !== null && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return null;
    return own;
  } catch {
    return null;
  }
}

function loadWithCachedData(bundle) {
  const source = fs.readFileSync(bundle, 'utf8');
  const folder = cacheFolder(bundle);
  // V8 checks the cache against the source's length, not its text: the name carries the file's identity (size and time
  // of writing: a build writes it anew), and the runtime's. Hashing the text would cost more than a millisecond.
  const { size, mtimeMs } = fs.statSync(bundle);
  const key = createHash('sha1')
    .update(`${size} ${mtimeMs} ${process.version} ${process.arch} ${process.execArgv.join(' ')}`)
    .digest('hex');
  // One cache per command: the cache holds what the run that made it compiled, and commands run different code.
  const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const file = folder && path.join(folder, `${path.basename(bundle)}-${command}-${key.slice(0, 16)}.bin`);
  let cachedData;
  try {
    if (file) cachedData = fs.readFileSync(file);
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (file && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => {
      try {
        const temporary = `${file}.${process.pid}`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, file);
      } catch {}
    });
  }
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  bundleModule.paths = Module._nodeModulePaths(path.dirname(bundle));
  const requireFromBundle = Module.createRequire(bundle);
  script.runInThisContext()(bundleModule.exports, requireFromBundle, bundleModule, bundle, path.dirname(bundle));
  bundleModule.loaded = true;
  return bundleModule.exports;
}

/** The bundle's exports. */
function requireCached(bundle) {
  if (typeof Module.enableCompileCache === 'function') {
    const folder = cacheFolder(bundle);
    try {
      if (folder) Module.enableCompileCache(folder);
    } catch {}
    return require(bundle);
  }
  return loadWithCachedData(bundle);
}

module.exports = { requireCached };
