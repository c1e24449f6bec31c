// The built CLI takes the catalog's digests from the build (scripts/build.ts)
// instead of hashing them at every run: they must be the ones the sources
// give, computed here by hashing the definitions, for every scenario and for
// the catalog. A build that shipped stale or misplaced digests would make
// two reports of the same definitions look different, or the reverse.
// No PC/SC service is needed: `repro` reports its catalog even when the
// service cannot be reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogIdentity, scenarioDigest, SCENARIOS } from '../../src/scenarios/catalog.js';
import { runCli, jsonOutput } from '../support/cli.js';

test("the built CLI's scenario digests are the sources' own", async () => {
  const listed = jsonOutput((await runCli(['scenarios', '--json'])).stdout) as { scenarios: { id: string; digest: string }[] };
  assert.deepEqual(
    listed.scenarios.map(({ id, digest }) => [id, digest]),
    SCENARIOS.map((scenario) => [scenario.id, scenarioDigest(scenario)]),
  );
  // Hashed from the sources, not looked up: the definitions differ, so the digests must too.
  assert.equal(new Set(listed.scenarios.map(({ digest }) => digest)).size, SCENARIOS.length);
});

test("the built CLI's catalog digest is the sources' own", async () => {
  const result = await runCli(['repro', '--json'], { env: { PCSCLITE_CSOCK_NAME: '/nonexistent/sc-repro' } });
  const report = jsonOutput(result.stdout) as { catalog: { version: string; digest: string; scenarios: number } };
  assert.deepEqual(report.catalog, catalogIdentity());
  assert.match(report.catalog.digest, /^sha256:[0-9a-f]{16}$/);
});
