/** The README's description of the demo organisation is computed here from catalog/, so it cannot drift. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { demoCatalogDir } from '../helpers/seed.js';

interface Doc { kind: string; metadata: { name: string }; spec?: { type?: string; parent?: string } }

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe('README: the demo organisation', () => {
  it('states the groups, their hierarchy and the counts the catalog has', () => {
    const docs = files(demoCatalogDir).flatMap((f) => yaml.loadAll(readFileSync(f, 'utf8')) as Doc[]).filter((d) => d?.kind);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const groups = docs.filter((d) => d.kind === 'Group');
    const root = groups.find((g) => !g.spec?.parent)!;
    const direct = groups.filter((g) => g.spec?.parent === root.metadata.name).map((g) => g.metadata.name);
    expect(readme).toContain(`${groups.length} groups, the \`${root.metadata.name}\` ${root.spec?.type} with ${direct.length} teams under it (${direct.join(', ')})`);
    for (const g of groups.filter((x) => x.spec?.parent && x.spec.parent !== root.metadata.name)) {
      expect(readme).toContain(`the ${g.spec?.type} \`${g.metadata.name}\` under \`${g.spec?.parent}\``);
    }
    const count = (kind: string) => docs.filter((d) => d.kind === kind).length;
    expect(readme).toContain(`${count('User')} people with emails, ${count('Domain')} domains, ${count('System')} systems`);
    expect(readme).toContain(`${count('Component')} components, ${count('API')} APIs and ${count('Resource')} resources`);
  });
});
