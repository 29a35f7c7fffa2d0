/**
 * Issue 18: the Helm chart and the plain manifest run the image of this release, pinned by
 * version (never `:latest`), and the chart declares what a platform team reviews for. Rendering
 * is checked by `helm lint` / `helm template` in .ci/run (scripts/helm-check.sh) where helm runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const chart = join(root, 'deploy', 'helm', 'callsheet');
const read = (...path: string[]) => readFileSync(join(...path), 'utf8');
const version = (JSON.parse(read(root, 'package.json')) as { version: string }).version;

describe('Helm chart', () => {
  it("pins the image to package.json's version", () => {
    const meta = yaml.load(read(chart, 'Chart.yaml')) as Record<string, unknown>;
    expect(meta.apiVersion).toBe('v2');
    expect(meta.appVersion).toBe(version);
    const values = yaml.load(read(chart, 'values.yaml')) as { image: { tag: string; repository: string } };
    expect(values.image.tag).toBe('');
    expect(read(chart, 'templates', '_helpers.tpl')).toMatch(/default \.Chart\.AppVersion \.Values\.image\.tag/);
  });

  it('the plain manifest and the compose file name no :latest image, and the manifest runs this version', () => {
    const manifest = read(root, 'deploy', 'kubernetes', 'callsheet.yaml');
    const docs = yaml.loadAll(manifest) as Array<Record<string, any>>;
    const deployment = docs.find((d) => d?.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(`ghcr.io/callsheet/callsheet:${version}`);
    for (const file of ['kubernetes/callsheet.yaml', 'docker-compose.yaml']) expect(read(root, 'deploy', file)).not.toMatch(/image:\s*\S+:latest\b/);
  });

  it('has the parts and values the issue asks for, with the manifest security context', () => {
    const templates = readdirSync(join(chart, 'templates'));
    for (const file of ['deployment.yaml', 'service.yaml', 'ingress.yaml', 'servicemonitor.yaml', 'pdb.yaml', 'configmap.yaml', 'pvc.yaml']) expect(templates).toContain(file);
    const values = yaml.load(read(chart, 'values.yaml')) as Record<string, any>;
    expect(values).toHaveProperty('replicaCount');
    expect(values).toHaveProperty('resources.requests');
    expect(values).toHaveProperty('existingSecret');
    expect(values).toHaveProperty('database.existingSecret');
    expect(values).toHaveProperty('database.url');
    expect(values.metrics.port).toBe(9464);
    expect(values.ingress.paths.map((p: { path: string }) => p.path)).toEqual(['/slack', '/api/messages', '/github/webhook']);
    const manifest = (yaml.loadAll(read(root, 'deploy', 'kubernetes', 'callsheet.yaml')) as Array<Record<string, any>>).find((d) => d?.kind === 'Deployment')!;
    const pod = manifest.spec.template.spec;
    expect(values.podSecurityContext).toMatchObject(pod.securityContext);
    expect(values.securityContext).toEqual(pod.containers[0].securityContext);
  });

  it('sets CALLSHEET_REPOS_VOLUME only where it mounts a volume for hosted repositories', () => {
    const configmap = read(chart, 'templates', 'configmap.yaml');
    expect(configmap).toMatch(/if \.Values\.hostedRepos\.persistence\.enabled \}\}\n\s+CALLSHEET_REPOS_VOLUME: "1"/);
    expect(read(chart, 'templates', 'deployment.yaml')).toMatch(/mountPath: \/data\/repos/);
  });
});
