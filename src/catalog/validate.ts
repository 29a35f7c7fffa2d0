/**
 * Validation exactly as Backstage's catalog backend does it, using Backstage's own published model:
 * envelope -> policies (SchemaValid, DefaultNamespace, NoForeignRootFields, FieldFormat) -> the
 * built-in kind validators. An entity that no kind validator recognises is rejected, as Backstage
 * rejects foreign kinds and apiVersions.
 */
import {
  DEFAULT_NAMESPACE,
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  entityEnvelopeSchemaValidator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';

const validateEnvelope = entityEnvelopeSchemaValidator();

const policy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

const validatorByKind = {
  API: apiEntityV1alpha1Validator,
  Component: componentEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  Group: groupEntityV1alpha1Validator,
  Location: locationEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  Template: templateEntityV1beta3Validator,
};
const kindValidators = Object.values(validatorByKind);

export type Validation = { ok: true; entity: Entity } | { ok: false; message: string };

function describe(raw: unknown): string {
  const r = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  const kind = typeof r?.kind === 'string' ? r.kind : '?';
  const ns = typeof r?.metadata?.namespace === 'string' ? r.metadata.namespace : 'default';
  const name = typeof r?.metadata?.name === 'string' ? r.metadata.name : '?';
  return `${kind}:${ns}/${name}`.toLowerCase();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * DefaultNamespaceEntityPolicy fills a missing namespace with a deep lodash merge (a full copy of
 * the entity, a third of the validation cost at catalog scale). Setting it on a shallow copy first
 * gives the same entity; the policy then has nothing to do. No policy or kind validator writes to
 * the entity, so the input is not cloned: the result may share objects with it.
 */
function withDefaultNamespace(entity: Entity): Entity {
  const metadata = entity.metadata as Entity['metadata'] | undefined;
  if (!metadata || typeof metadata !== 'object' || metadata.namespace !== undefined) return entity;
  // Namespace first, as lodash.merge({ metadata: { namespace } }, entity) orders it.
  const filled = { namespace: DEFAULT_NAMESPACE, ...metadata };
  filled.namespace = DEFAULT_NAMESPACE;
  return { ...entity, metadata: filled };
}

export async function validateEntity(raw: unknown): Promise<Validation> {
  const label = describe(raw);
  try {
    validateEnvelope(raw);
  } catch (e) {
    return { ok: false, message: `${label}: ${messageOf(e)}` };
  }
  let entity: Entity;
  try {
    const enforced = await policy.enforce(withDefaultNamespace(raw as Entity));
    if (!enforced) return { ok: false, message: `${label}: rejected by policy` };
    entity = enforced;
  } catch (e) {
    return { ok: false, message: `${label}: ${messageOf(e)}` };
  }
  // A kind validator says "not mine" for any other kind, so the one named by the kind decides alone;
  // trying it first spares eight full schema validations per entity.
  const own = validatorByKind[entity.kind as keyof typeof validatorByKind];
  for (const validator of own ? [own] : kindValidators) {
    try {
      if (await validator.check(entity)) return { ok: true, entity };
    } catch (e) {
      return { ok: false, message: `${label}: ${messageOf(e)}` };
    }
  }
  return {
    ok: false,
    message: `${label}: No processor recognized the entity as valid, possibly caused by a foreign kind or apiVersion (${entity.apiVersion}, kind ${entity.kind})`,
  };
}
