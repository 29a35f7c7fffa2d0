/**
 * A generated organisation with every case the GitHub source must handle: plain repositories, archived
 * ones, ones without the catalog file, ones whose file is broken YAML, and ones whose file holds a
 * Location pointing at more files plus a `$text` placeholder.
 */
import { FakeOrg } from './model.js';

export interface GenerateOptions {
  org: string;
  repos: number;
  /** Every n-th repository is archived (0: none). The same for the others below. */
  archivedEvery?: number;
  missingEvery?: number;
  brokenEvery?: number;
  locationEvery?: number;
  teams?: number;
}

export function componentYaml(name: string, owner: string, extra: Record<string, string> = {}): string {
  const annotations = Object.entries(extra).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: Service ${name}
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;
}

export const BROKEN_YAML = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n';

export function locationRepoFiles(name: string, owner: string): Record<string, string> {
  return {
    'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ${name}-location
spec:
  targets:
    - ./catalog/api.yaml
`,
    'catalog/api.yaml': `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ${name}-api
  description:
    $text: ../docs/api.md
spec:
  type: openapi
  lifecycle: production
  owner: ${owner}
  definition: "openapi: 3.0.0"
`,
    'docs/api.md': `The ${name} API`,
  };
}

export const repoName = (i: number) => `svc-${String(i).padStart(5, '0')}`;

export function generateOrg(options: GenerateOptions): FakeOrg {
  const org = new FakeOrg(options.org);
  const every = (n: number | undefined, i: number) => Boolean(n) && i % (n as number) === (n as number) - 1;
  for (let i = 0; i < options.repos; i++) {
    const name = repoName(i);
    const owner = `team-${i % (options.teams ?? 20)}`;
    let files: Record<string, string>;
    if (every(options.missingEvery, i)) files = { 'README.md': `# ${name}` };
    else if (every(options.brokenEvery, i)) files = { 'catalog-info.yaml': BROKEN_YAML };
    else if (every(options.locationEvery, i)) files = locationRepoFiles(name, owner);
    else files = { 'catalog-info.yaml': componentYaml(name, owner) };
    org.addRepo(name, { files, archived: every(options.archivedEvery, i) });
  }
  return org;
}
