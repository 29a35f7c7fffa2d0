-- Issue 16: ranked full-text search. One weighted tsvector per entity (name and title A; tags, system
-- and provided APIs B; kind, type and owner C; description, lifecycle and consumed APIs D) plus a
-- context vector (its system's domain, C), written by sync (src/catalog/search-index.ts), and the
-- vocabulary pg_trgm corrects typos against. pg_trgm is a trusted extension (PG 13+) and ships with
-- PGlite's contrib. Entities already stored are indexed by the first sync after this migration.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "entity_search" (
	"ref" text PRIMARY KEY NOT NULL,
	"document" tsvector NOT NULL,
	"context" tsvector DEFAULT ''::tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entity_search_document_idx" ON "entity_search" USING gin ("document");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entity_search_context_idx" ON "entity_search" USING gin ("context");--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "search_words" (
	"word" text COLLATE "C" PRIMARY KEY NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entities_name_trgm_idx" ON "entities" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
-- Back-fill what is stored already, with the rules of search-index.ts (compounds also joined).
INSERT INTO "entity_search" ("ref", "document", "context")
SELECT x.ref,
  setweight(to_tsvector('english', translate(x.a || ' ' || regexp_replace(x.a, '([[:alnum:]])[-_.](?=[[:alnum:]])', '\1', 'g'), '.', ' ')), 'A') ||
  setweight(to_tsvector('english', translate(x.b || ' ' || regexp_replace(x.b, '([[:alnum:]])[-_.](?=[[:alnum:]])', '\1', 'g'), '.', ' ')), 'B') ||
  setweight(to_tsvector('english', translate(x.c || ' ' || regexp_replace(x.c, '([[:alnum:]])[-_.](?=[[:alnum:]])', '\1', 'g'), '.', ' ')), 'C') ||
  setweight(to_tsvector('english', translate(x.d || ' ' || regexp_replace(x.d, '([[:alnum:]])[-_.](?=[[:alnum:]])', '\1', 'g'), '.', ' ')), 'D'),
  setweight(to_tsvector('english', x.domain), 'C')
FROM (
  SELECT e.ref,
    lower(e.name || ' ' || coalesce(e.title, '')) AS a,
    lower(array_to_string(e.tags, ' ') || ' ' || coalesce(split_part(e.system_ref, '/', -1), '') || ' ' ||
      coalesce((SELECT string_agg(split_part(r.target_ref, '/', -1), ' ') FROM relations r WHERE r.source_ref = e.ref AND r.type = 'providesApi'), '')) AS b,
    lower(e.kind || ' ' || coalesce(e.type, '') || ' ' || coalesce(split_part(e.owner_ref, '/', -1), '')) AS c,
    lower(coalesce(e.description, '') || ' ' || coalesce(e.lifecycle, '') || ' ' ||
      coalesce((SELECT string_agg(split_part(r.target_ref, '/', -1), ' ') FROM relations r WHERE r.source_ref = e.ref AND r.type = 'consumesApi'), '')) AS d,
    lower(coalesce(split_part(coalesce(CASE WHEN e.kind = 'system' THEN e.entity->'spec'->>'domain' END, s.entity->'spec'->>'domain'), '/', -1), '')) AS domain
  FROM entities e LEFT JOIN entities s ON s.ref = e.system_ref
) AS x
ON CONFLICT ("ref") DO NOTHING;--> statement-breakpoint
INSERT INTO "search_words" ("word")
SELECT DISTINCT w FROM entities e, regexp_split_to_table(lower(e.name || ' ' || coalesce(e.title, '') || ' ' || coalesce(e.description, '') || ' ' || array_to_string(e.tags, ' ')), '[^[:alnum:]]+') AS w
WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
ON CONFLICT ("word") DO NOTHING;
