// Injected into the CommonJS bundles: `import.meta.url` of the bundle file, so
// module-relative paths (package.json, the role entry) work as in the sources.
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
