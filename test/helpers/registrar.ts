/**
 * The registrar `serve` uses (catalog:register -> the sync service adds and syncs the new repository),
 * for tests that run templates end to end. `targets` records what was registered.
 */
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/index.js';
import type { Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { CatalogRegistrar } from '../../src/scaffolder/actions/index.js';
import { syncRegistrar } from '../../src/scaffolder/registrar.js';
import { createSyncService } from '../../src/sync/service.js';
import { checkRemote } from '../../src/sync/remote-policy.js';

export function realRegistrar(db: Db, dataDir: string): CatalogRegistrar & { targets: string[] } {
  const config = loadConfig({ DATA_DIR: dataDir, CATALOG_SOURCES: '', TEMPLATE_SOURCES: '' });
  // As serve does: only repositories publish:git made (somewhere under dataDir) may be registered.
  const policy = { allowedHosts: [], reposDir: dataDir };
  const registrar = syncRegistrar({ db, sync: createSyncService({ db, config, logger: silentLogger(), clock: systemClock, checkRegistered: (spec) => checkRemote(spec, policy) }), policy });
  const targets: string[] = [];
  return {
    targets,
    async register(target) {
      targets.push(target);
      return registrar.register(target);
    },
  };
}
