import { EXIT } from '../core/exit-codes.js';
import { JSON_SCHEMA } from '../render/json-schema.js';

export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(JSON_SCHEMA, null, 2)}\n`);
  return EXIT.ok;
}
