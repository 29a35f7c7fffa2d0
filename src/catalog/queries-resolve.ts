/**
 * Turns what someone typed (`payments-api`, `api:payments`, `finance/ledger`,
 * `component:default/payments-api`, a typo) into catalog entities: exact ref first, then name,
 * then fuzzy suggestions.
 */
import { DEFAULT_NAMESPACE, parseEntityRef } from '@backstage/catalog-model';
import type { Db } from '../db/client.js';
import { refOf } from './refs.js';
import { entitiesNamed, getEntity, type EntityRow } from './queries.js';
import { suggest } from './search.js';

export type Resolution =
  | { status: 'found'; entity: EntityRow }
  /** Several entities share the name: the asker picks. */
  | { status: 'ambiguous'; candidates: EntityRow[] }
  /** Nothing by that name; these are close ("did you mean"). */
  | { status: 'suggestions'; candidates: EntityRow[] }
  | { status: 'none' };

export interface ResolveOptions {
  /** Only these kinds (lower-case), e.g. ['group'] for `team`. */
  kinds?: string[];
  /** Kind assumed when the text has none but a ref is clearly meant (`team platform` -> group). */
  defaultKind?: string;
  suggestions?: number;
}

interface Parsed {
  kind?: string;
  namespace?: string;
  name: string;
}

/** Reads `[kind:][namespace/]name` without Backstage's "kind required" rule; undefined when malformed. */
function parseInput(text: string, defaultKind?: string): Parsed | undefined {
  try {
    const probeKind = defaultKind ?? '__any__';
    const parsed = parseEntityRef(text, { defaultKind: probeKind, defaultNamespace: '__any__' });
    return {
      kind: parsed.kind === '__any__' ? undefined : parsed.kind.toLocaleLowerCase('en-US'),
      namespace: parsed.namespace === '__any__' ? undefined : parsed.namespace.toLocaleLowerCase('en-US'),
      name: parsed.name.toLocaleLowerCase('en-US'),
    };
  } catch {
    return undefined;
  }
}

export async function resolveEntity(db: Db, text: string, options: ResolveOptions = {}): Promise<Resolution> {
  const input = text.trim().replace(/^<|>$/g, '');
  if (!input) return { status: 'none' };
  const parsed = parseInput(input, options.defaultKind);
  const kindAllowed = (kind: string) => !options.kinds?.length || options.kinds.includes(kind);

  if (parsed?.kind && kindAllowed(parsed.kind)) {
    const exact = await getEntity(db, refOf({ kind: parsed.kind, namespace: parsed.namespace ?? DEFAULT_NAMESPACE, name: parsed.name }));
    if (exact) return { status: 'found', entity: exact };
  }

  if (parsed) {
    const kinds = parsed.kind && kindAllowed(parsed.kind) ? [parsed.kind] : options.kinds;
    const named = await entitiesNamed(db, parsed.name, { namespace: parsed.namespace, kinds });
    // Backstage's default namespace wins over the same name elsewhere.
    const inDefault = parsed.namespace ? named : named.filter((r) => r.namespace === DEFAULT_NAMESPACE);
    const chosen = inDefault.length ? inDefault : named;
    if (chosen.length === 1) return { status: 'found', entity: chosen[0] };
    if (chosen.length > 1) return { status: 'ambiguous', candidates: chosen };
  }

  const name = parsed?.name ?? input.toLocaleLowerCase('en-US');
  const kinds = parsed?.kind && kindAllowed(parsed.kind) ? [parsed.kind] : options.kinds;
  const close = await suggest(db, name, { kinds, limit: options.suggestions ?? 5 });
  if (close.length) return { status: 'suggestions', candidates: close.map((s) => s.row) };
  return { status: 'none' };
}
