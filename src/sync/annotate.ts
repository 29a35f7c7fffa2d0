/**
 * The location annotations Backstage puts on every entity it reads: where the entity is managed
 * (its file), the origin location that led there, and the SCM links of the file.
 */
import { isObject } from './documents.js';
import type { FileLocation } from './types.js';

const ANNOTATION_LOCATION = 'backstage.io/managed-by-location';
const ANNOTATION_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';
const ANNOTATION_VIEW_URL = 'backstage.io/view-url';
const ANNOTATION_EDIT_URL = 'backstage.io/edit-url';
const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';

export function locationString(location: FileLocation): string {
  return `${location.type}:${location.target}`;
}

export function annotate(entity: Record<string, unknown>, location: FileLocation, origin: string) {
  const metadata = entity.metadata;
  if (!isObject(metadata)) return;
  if (metadata.annotations !== undefined && !isObject(metadata.annotations)) return;
  const scm: Record<string, string> = {};
  if (location.viewUrl) scm[ANNOTATION_VIEW_URL] = location.viewUrl;
  if (location.editUrl) scm[ANNOTATION_EDIT_URL] = location.editUrl;
  if (location.sourceLocation) scm[ANNOTATION_SOURCE_LOCATION] = location.sourceLocation;
  // As in Backstage: the entity's own SCM annotations win, the managed-by ones are always ours.
  metadata.annotations = {
    ...scm,
    ...((metadata.annotations as Record<string, unknown> | undefined) ?? {}),
    [ANNOTATION_LOCATION]: locationString(location),
    [ANNOTATION_ORIGIN_LOCATION]: origin,
  };
}
