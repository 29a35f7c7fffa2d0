/**
 * Fault-injection harness: the compiled service as separate processes on a fresh Postgres
 * database, with real faults (SIGKILL, SIGTERM, pg_terminate_backend). Used by every file in
 * test/faults/. A file starts with
 *
 *   const skip = faultSkipReason();
 *   if (skip) console.log(skip);
 *   describe.skipIf(skip)('...', () => { ... });
 *
 * so that a PGlite-only run says why it did not run, and `.ci/run` (TEST_DATABASE_URL set) runs it.
 */
export { ensureBuilt, projectRoot } from './build.js';
export { writeCatalog } from './catalog.js';
export { createFaultDatabase, faultSkipReason, type FaultDatabase, type Sql } from './postgres.js';
export { killAll, spawnService, type LogLine, type ServiceProcess, type SpawnOptions } from './service-process.js';
export { reportFigure, sleep, waitFor } from './wait.js';
export { startDbProxy, type DbProxy } from './db-proxy.js';
export { startSlowGitRemote, type SlowGitRemote } from './slow-git.js';
/** `nodeArgs` for a replica whose clock is off by `offsetMs` (see skew-clock.mjs). */
export const skewedClockArgs = (): string[] => ['--import', new URL('./skew-clock.mjs', import.meta.url).pathname];
export { createHeldRepo, type HeldRepo } from './held-repo.js';
