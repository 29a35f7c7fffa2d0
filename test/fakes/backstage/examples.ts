/**
 * The conformance examples (Backstage's own demo catalog) as a running Backstage holds them: run
 * through Backstage's processing (test/helpers/backstage-reference.ts), entry points as upstream
 * registers them (`all.yaml`, `acme-corp.yaml`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processWithBackstage } from '../../helpers/backstage-reference.js';
import { startFakeBackstage, type FakeBackstage } from './server.js';

const examples = join(import.meta.dirname, '../../fixtures/conformance/backstage-examples');

export async function startExampleBackstage(token: string): Promise<FakeBackstage> {
  const files = new Map<string, string | null>();
  for (const f of readdirSync(examples, { recursive: true, encoding: 'utf8' })) {
    files.set(f, statSync(join(examples, f)).isDirectory() ? null : readFileSync(join(examples, f), 'utf8'));
  }
  const { entities, relations } = await processWithBackstage(files, ['all.yaml', 'acme-corp.yaml']);
  return startFakeBackstage({ token, entities: [...entities.values()], relations });
}
