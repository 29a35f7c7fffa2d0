/**
 * Backstage's own catalog processing, run offline over an in-memory repository: the orchestrator,
 * processors, YAML parser and placeholder resolvers of @backstage/plugin-catalog-backend 4.0.5, fed
 * by a local UrlReader that serves the repository's files at their github.com URLs. The processing
 * engine's loop (which needs a database) is replaced by a FIFO queue with the engine's rules: an
 * entity whose processing is not ok is not visible and emits nothing; the first location to claim
 * a ref keeps it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { Minimatch } from 'minimatch';

const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('@backstage/plugin-catalog-backend/package.json'));
// The orchestrator is not exported; the package's exports block a deep import by name.
const { DefaultCatalogProcessingOrchestrator } = require(join(backendDir, 'dist/processing/DefaultCatalogProcessingOrchestrator.cjs.js'));
const backend = require('@backstage/plugin-catalog-backend');
const placeholders = require(join(backendDir, 'dist/processors/PlaceholderProcessor.cjs.js'));
const { defaultEntityDataParser } = require(join(backendDir, 'dist/util/parse.cjs.js'));
const node = require('@backstage/plugin-catalog-node');
const model = require('@backstage/catalog-model');
const { ScmIntegrations } = require('@backstage/integration');
const { ConfigReader } = require('@backstage/config');
const { NotFoundError } = require('@backstage/errors');
const { templateEntityV1beta3Validator } = require('@backstage/plugin-scaffolder-common');

export const REPO = 'https://github.com/acme/catalog';
export const BASE = `${REPO}/blob/main/`;

export interface ReferenceResult {
  /** ref -> the entity as Backstage stores it. */
  entities: Map<string, Entity>;
  relations: Set<string>;
  /** Repository paths Backstage attaches an error to (the entity's file or the file it failed to read). */
  rejected: Set<string>;
}

const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } };

// GitHub's integration resolves relative targets to `tree` URLs; its reader reads both forms.
const TREE = `${REPO}/tree/main/`;
function repoPath(url: string): string | undefined {
  for (const base of [BASE, TREE]) if (url.startsWith(base)) return decodeURIComponent(url.slice(base.length));
  return undefined;
}

/** files: repository path -> content; `null` content stands for a directory. */
function localReader(files: Map<string, string | null>) {
  const lookup = (url: string): Buffer => {
    const path = repoPath(url);
    // GitHub serves what the repository tracks, which never includes .git/ itself.
    const content = path === undefined || path.split('/').includes('.git') ? undefined : files.get(path);
    // GitHub answers 404 for another repository, a path it does not hold, and a directory's blob URL.
    if (content === undefined || content === null) throw new NotFoundError(`could not read ${url}, 404 Not Found`);
    return Buffer.from(content, 'utf8');
  };
  return {
    async readUrl(url: string) {
      const data = lookup(url);
      return { buffer: async () => data, etag: undefined };
    },
    async readTree() {
      throw new Error('readTree is not used by catalog processing');
    },
    async search(url: string) {
      // As GithubUrlReader.search: a path with `*` or `?` is matched with `new Minimatch(path)` against
      // the repository's files (its recursive tree); any other URL is one file, or none on 404.
      const path = repoPath(url);
      if (path !== undefined && /[*?]/.test(path)) {
        const matcher = new Minimatch(path.replace(/^\/+/, ''));
        const found = [...files].filter(([p, c]) => c !== null && matcher.match(p));
        return { files: found.map(([p, c]) => ({ url: `${BASE}${p}`, content: async () => Buffer.from(c!, 'utf8') })), etag: '' };
      }
      try {
        const data = lookup(url);
        return { files: [{ url, content: async () => data }], etag: '' };
      } catch (e) {
        if ((e as Error).name === 'NotFoundError') return { files: [], etag: '' };
        throw e;
      }
    },
  };
}

/**
 * The scaffolder backend's ScaffolderEntitiesProcessor (not installed): validates Template v1beta3
 * and emits its owner relations, which is all it does.
 */
const templateProcessor = {
  getProcessorName: () => 'ScaffolderEntitiesProcessor',
  validateEntityKind: (entity: Entity) => templateEntityV1beta3Validator.check(entity),
  async postProcessEntity(entity: Entity, _location: unknown, emit: (r: unknown) => void) {
    if (entity.apiVersion === 'scaffolder.backstage.io/v1beta3' && entity.kind === 'Template') {
      const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
      if (typeof owner === 'string' && owner) {
        const self = model.getCompoundEntityRef(entity);
        const target = model.parseEntityRef(owner, { defaultKind: 'Group', defaultNamespace: self.namespace });
        emit(node.processingResult.relation({ source: self, type: 'ownedBy', target }));
        emit(node.processingResult.relation({ source: target, type: 'ownerOf', target: self }));
      }
    }
    return entity;
  },
};

export async function processWithBackstage(files: Map<string, string | null>, entryPoints: string[]): Promise<ReferenceResult> {
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
  const reader = localReader(files);
  const rejected = new Set<string>();
  const pathOf = (target: string) => repoPath(target) ?? target;
  // Observes the parser's errors only to learn which file they are about; the results pass through.
  const parser = async function* (options: { data: Buffer; location: { target: string } }) {
    for await (const result of defaultEntityDataParser(options)) {
      if (result.type === 'error') rejected.add(pathOf(result.location.target));
      yield result;
    }
  };
  const orchestrator = new DefaultCatalogProcessingOrchestrator({
    processors: [
      new placeholders.PlaceholderProcessor({
        resolvers: { json: placeholders.jsonPlaceholderResolver, yaml: placeholders.yamlPlaceholderResolver, text: placeholders.textPlaceholderResolver },
        reader,
        integrations,
      }),
      new backend.BuiltinKindsEntityProcessor(),
      templateProcessor,
      new backend.FileReaderProcessor(),
      new backend.UrlReaderProcessor({ reader, logger }),
      new backend.AnnotateLocationEntityProcessor({ integrations }),
    ],
    integrations,
    logger,
    parser,
    policy: model.EntityPolicies.allOf([
      new model.SchemaValidEntityPolicy(),
      new model.DefaultNamespaceEntityPolicy(),
      new model.NoForeignRootFieldsEntityPolicy(),
      new model.FieldFormatEntityPolicy(model.makeValidator()),
    ]),
    // Callsheet allows every kind unless CATALOG_ALLOWED_KINDS says otherwise, as catalog.rules
    // `allow: [all kinds]` does; the kind rules are compared in their own tests.
    rulesEnforcer: { isAllowed: () => true },
    allowedLocationTypes: ['url'],
  });

  const entities = new Map<string, Entity>();
  const relations = new Set<string>();
  const claimed = new Map<string, string>();
  for (const entry of entryPoints) {
    // A registered location, as catalog.locations or the register API creates it.
    const root = node.locationSpecToLocationEntity({ location: { type: 'url', target: `${BASE}${entry}` } }) as Entity;
    const queue: { entity: Entity; root: boolean }[] = [{ entity: root, root: true }];
    while (queue.length) {
      const { entity, root: isRoot } = queue.shift()!;
      const result = await orchestrator.process({ entity, state: {} });
      const file = pathOf(String(entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? '').replace(/^url:/, ''));
      if (!result.ok) {
        if (process.env.BS_DEBUG) console.log(result.errors);
        rejected.add(isRoot ? entry : file);
        continue;
      }
      if (!isRoot) {
        const ref = stringifyEntityRef(result.completedEntity);
        entities.set(ref, result.completedEntity);
        for (const r of result.relations) relations.add(`${stringifyEntityRef(r.source)} ${r.type} ${stringifyEntityRef(r.target)}`);
      }
      for (const deferred of result.deferredEntities as { entity: Entity; locationKey?: string }[]) {
        const ref = stringifyEntityRef(deferred.entity);
        const key = deferred.locationKey ?? '';
        // The first location to claim a ref keeps it (refresh_state.location_key).
        if (claimed.has(ref) && claimed.get(ref) !== key) continue;
        claimed.set(ref, key);
        queue.push({ entity: deferred.entity, root: false });
      }
    }
  }
  return { entities, relations, rejected };
}
