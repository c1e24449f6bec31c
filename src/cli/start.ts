// The entry's first bundle (bin/sc-repro.cjs): what runs before the rest of
// the CLI loads, in one small file. It starts the roles of `repro` and
// `matrix` (early-roles.ts), then loads the rest with a code cache (code-cache.ts).
export { startRolesEarly } from './early-roles.js';
export { requireCached } from './code-cache.js';
