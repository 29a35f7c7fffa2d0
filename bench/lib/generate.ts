/**
 * A generated organisation of about N entities, laid out like a large monorepo: one file per team
 * (Group + Users), one per system (System, in one of ten domains, + APIs), and components in files of ten.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Generated {
  files: number;
  entities: number;
  refs: string[];
  /** A component file to change for the re-sync measurement. */
  sampleFile: string;
}

const doc = (kind: string, name: string, spec: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  description: Generated ${kind.toLowerCase()} ${name}\n  tags: [bench, ${kind.toLowerCase()}]\n${extra}spec:\n${spec}`;

export function componentFile(names: string[], system: number, team: number, apis: number[], revision = 0): string {
  return names
    .map((name, i) =>
      doc(
        'Component',
        name,
        `  type: service\n  lifecycle: production\n  owner: team-${team}\n  system: system-${system}\n  providesApis: [api-${apis[i % apis.length]}]\n  consumesApis: [api-${apis[(i + 1) % apis.length]}]\n  dependsOn: ['component:${names[(i + 1) % names.length]}']\n`,
        `  annotations:\n    bench/revision: "${revision}"\n`,
      ),
    )
    .join('---\n');
}

export async function generateCatalog(root: string, total: number): Promise<Generated> {
  const teams = Math.max(1, Math.round(total / 100));
  const usersPerTeam = 5;
  const systems = teams;
  const apisPerSystem = 10;
  const used = teams * (1 + usersPerTeam) + systems * (1 + apisPerSystem);
  const components = Math.max(10, total - used);
  const refs: string[] = [];
  let files = 0;
  const write = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
    files++;
  };

  for (let t = 0; t < teams; t++) {
    const users = Array.from({ length: usersPerTeam }, (_, u) => `user-${t}-${u}`);
    const parent = t === 0 ? '' : `  parent: team-${Math.floor((t - 1) / 10)}\n`;
    const group = doc('Group', `team-${t}`, `  type: team\n${parent}  children: []\n  members: [${users.join(', ')}]\n`, `  annotations:\n    slack.com/channel-name: team-${t}\n`);
    const people = users.map((u) => doc('User', u, `  profile:\n    email: ${u}@example.com\n  memberOf: [team-${t}]\n`));
    await write(`teams/team-${t}.yaml`, [group, ...people].join('---\n'));
    refs.push(`group:default/team-${t}`, ...users.map((u) => `user:default/${u}`));
  }
  for (let s = 0; s < systems; s++) {
    const apis = Array.from({ length: apisPerSystem }, (_, a) => doc('API', `api-${s * apisPerSystem + a}`, `  type: openapi\n  lifecycle: production\n  owner: team-${s % teams}\n  system: system-${s}\n  definition: "openapi: 3.0.0"\n`));
    await write(`systems/system-${s}/catalog-info.yaml`, [doc('System', `system-${s}`, `  owner: team-${s % teams}\n  domain: domain-${s % 10}\n`), ...apis].join('---\n'));
    refs.push(`system:default/system-${s}`, ...Array.from({ length: apisPerSystem }, (_, a) => `api:default/api-${s * apisPerSystem + a}`));
  }
  let sampleFile = '';
  for (let c = 0; c < components; c += 10) {
    const names = Array.from({ length: Math.min(10, components - c) }, (_, i) => `component-${c + i}`);
    const system = Math.floor(c / 10) % systems;
    const apis = Array.from({ length: apisPerSystem }, (_, a) => system * apisPerSystem + a);
    const path = `services/system-${system}/components-${c}.yaml`;
    await write(path, componentFile(names, system, system % teams, apis));
    refs.push(...names.map((n) => `component:default/${n}`));
    if (!sampleFile) sampleFile = path;
  }
  return { files, entities: refs.length, refs, sampleFile };
}
