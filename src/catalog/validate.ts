/**
 * Validation exactly as Backstage's catalog backend does it, using Backstage's own published model:
 * envelope -> policies (SchemaValid, DefaultNamespace, NoForeignRootFields, FieldFormat) -> the
 * built-in kind validators. An entity that no kind validator recognises is rejected, as Backstage
 * rejects foreign kinds and apiVersions.
 */
import {
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

const kindValidators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  templateEntityV1beta3Validator,
];

export type Validation = { ok: true; entity: Entity } | { ok: false; message: string };

function describe(raw: unknown): string {
  const r = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  const kind = typeof r?.kind === 'string' ? r.kind : '?';
  const ns = typeof r?.metadata?.namespace === 'string' ? r.metadata.namespace : 'default';
  const name = typeof r?.metadata?.name === 'string' ? r.metadata.name : '?';
  return `${kind}:${ns}/${name}`.toLocaleLowerCase('en-US');
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
    const enforced = await policy.enforce(structuredClone(raw) as Entity);
    if (!enforced) return { ok: false, message: `${label}: rejected by policy` };
    entity = enforced;
  } catch (e) {
    return { ok: false, message: `${label}: ${messageOf(e)}` };
  }
  for (const validator of kindValidators) {
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
