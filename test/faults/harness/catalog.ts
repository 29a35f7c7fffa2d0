/** Catalog folders for fault tests: big enough that a first sync is still running when the fault lands. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder catalog of `teams` Groups and `components` Components (spread over files of 50
 * documents), each Component owned by a team. Returns the folder and the refs it holds.
 */
export function writeCatalog(options: { components: number; teams?: number; prefix?: string }): { dir: string; componentRefs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'callsheet-faults-catalog-'));
  const teams = options.teams ?? 10;
  const prefix = options.prefix ?? 'svc';
  const groups = Array.from({ length: teams }, (_, i) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-${i}\nspec:\n  type: team\n  children: []\n`,
  );
  writeFileSync(join(dir, 'groups.yaml'), groups.join('---\n'));
  const refs: string[] = [];
  const perFile = 50;
  for (let f = 0; f * perFile < options.components; f++) {
    const docs: string[] = [];
    for (let i = f * perFile; i < Math.min(options.components, (f + 1) * perFile); i++) {
      const name = `${prefix}-${i}`;
      refs.push(`component:default/${name}`);
      docs.push(
        `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: Service ${i} of the fault suite\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-${i % teams}\n`,
      );
    }
    const sub = join(dir, `part-${Math.floor(f / 20)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `components-${f}.yaml`), docs.join('---\n'));
  }
  return { dir, componentRefs: refs };
}
