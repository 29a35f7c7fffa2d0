/**
 * The platform-neutral form a template's `spec.parameters` become. Adapters render it (Slack modal
 * pages, Teams cards, shell prompts) and hand back values keyed by field id; the core validates them.
 */

/** A field is shown only while its condition holds (from `dependencies`, `oneOf`, `if/then/else`). */
export interface Condition {
  /** Id of the field the condition looks at. */
  field: string;
  /** Shown when that field's value is one of these. */
  in?: unknown[];
  /** Shown when that field's value is none of these. */
  notIn?: unknown[];
  /** Shown when that field has any value. */
  present?: true;
}

export interface Option {
  /** The value stored when picked (any JSON value, e.g. an enum entry). */
  value: unknown;
  label: string;
}

interface BaseField {
  /** Dotted path into the values object (`railsArguments.minimal`); the key adapters use. */
  id: string;
  /** The same path as segments (property names may contain dots). */
  path: string[];
  label: string;
  /** From `description`; shown as help under the input. */
  help?: string;
  placeholder?: string;
  required: boolean;
  default?: unknown;
  when?: Condition[];
}

export interface TextField extends BaseField {
  type: 'text' | 'textarea' | 'password';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** JSON Schema `format` (email, uri, ...), checked on submit. */
  format?: string;
  /** The value is JSON (an object or array the chat cannot ask field by field). */
  json?: boolean;
}

export interface HiddenField extends BaseField {
  type: 'hidden';
}

export interface SelectField extends BaseField {
  type: 'select';
  options: Option[];
}

export interface MultiSelectField extends BaseField {
  type: 'multiselect';
  options: Option[];
  minItems?: number;
  maxItems?: number;
}

export interface CheckboxField extends BaseField {
  type: 'checkbox';
}

export interface NumberField extends BaseField {
  type: 'number';
  integer: boolean;
  minimum?: number;
  maximum?: number;
}

/** Free-form list of strings (EntityTagsPicker, arrays of strings without an enum). */
export interface TagsField extends BaseField {
  type: 'tags';
  /** Pattern each entry must match. */
  itemPattern?: string;
  maxItems?: number;
}

/** Filters as in Backstage's `catalogFilter`: each object is AND, the list is OR; values are OR. */
export type CatalogFilter = Record<string, string | string[]>;

export interface EntityField extends BaseField {
  type: 'entity';
  /** Kinds offered (`allowedKinds`, or the picker's own default). Empty: any kind. */
  kinds: string[];
  filter: CatalogFilter[];
  defaultKind?: string;
  defaultNamespace?: string;
  /** `mine`: groups the requester belongs to (MyGroupsPicker); `owned`: entities they own (OwnedEntityPicker). */
  scope?: 'mine' | 'owned';
  /** A ref typed by hand is accepted too (Backstage's `allowArbitraryValues`, default true). */
  allowArbitraryValues: boolean;
  /** Several entities (array of refs). */
  multiple: boolean;
}

/** Backstage's RepoUrlPicker: host + owner + repo, stored as `host?owner=o&repo=r`. */
export interface RepoUrlField extends BaseField {
  type: 'repoUrl';
  allowedHosts: string[];
  /** Hosts to offer when the template allows any (`allowedHosts` empty): GitHub and the configured GitLab. */
  offeredHosts?: string[];
  allowedOwners: string[];
  allowedRepos: string[];
}

export type Field =
  | TextField
  | HiddenField
  | SelectField
  | MultiSelectField
  | CheckboxField
  | NumberField
  | TagsField
  | EntityField
  | RepoUrlField;

export type FieldType = Field['type'];

export interface Page {
  title: string;
  description?: string;
  fields: Field[];
  /** Index of the `spec.parameters` entry this page comes from (a long one is split into several pages). */
  schemaIndex: number;
}

export interface Form {
  /** Ref of the Template entity. */
  templateRef: string;
  title: string;
  description?: string;
  pages: Page[];
  /** Each `spec.parameters` entry as JSON Schema with `ui:*` keys removed: what values are validated against. */
  schemas: Record<string, unknown>[];
}

export interface FieldError {
  /** Field id, or '' when the error belongs to no single field. */
  field: string;
  message: string;
}

/** The hosts a RepoUrlPicker names to the user: the template's allowed hosts, else the offered ones. */
export function repoUrlHosts(field: RepoUrlField): string[] {
  return field.allowedHosts.length ? field.allowedHosts : field.offeredHosts?.length ? field.offeredHosts : ['github.com'];
}

/** A placeholder naming those hosts (`github.com/owner/repository or gitlab.example.com/owner/repository`). */
export function repoUrlPlaceholder(field: RepoUrlField): string {
  return repoUrlHosts(field).map((h) => `${h}/owner/repository`).join(' or ');
}
