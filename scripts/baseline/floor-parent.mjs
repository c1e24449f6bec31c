// The floor of a two-process reproduction, for scripts/bench-repro.ts: a bare
// parent forks two children that each load the `pcsclite` binding and connect
// once (exclusive, then shared), while the parent loads koffi and opens one
// PC/SC context, as the orchestrator's third party does. No CLI, no checks,
// no report: what any tool doing this job must pay.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const child = new URL('./floor-child.mjs', import.meta.url);
const children = ['exclusive', 'shared'].map((mode) => fork(child, [mode], { stdio: 'ignore' }));
const koffi = require('koffi');
const lib = koffi.load('libpcsclite.so.1');
const establish = lib.func('long SCardEstablishContext(unsigned long scope, void *r1, void *r2, _Out_ long *context)');
const release = lib.func('long SCardReleaseContext(long context)');
const context = [0];
establish(2, null, null, context);
release(context[0]);
await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve))));
