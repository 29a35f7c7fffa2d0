-- Issue 16: ranked full-text search. One weighted tsvector per entity (name and title A; tags, system
-- and provided APIs B; kind, type, owner and domain C; description, lifecycle and consumed APIs D),
-- written by sync through callsheet_index_search, and a vocabulary of the words in it that pg_trgm
-- corrects typos against. pg_trgm is a trusted extension (PG 13+) and ships with PGlite's contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "entity_search" (
	"ref" text PRIMARY KEY NOT NULL,
	"document" tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entity_search_document_idx" ON "entity_search" USING gin ("document");--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "search_words" (
	"word" text COLLATE "C" PRIMARY KEY NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_words_trgm_idx" ON "search_words" USING gist ("word" gist_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entities_name_trgm_idx" ON "entities" USING gist ("name" gist_trgm_ops);--> statement-breakpoint
-- Words split at every separator, plus each compound joined ("e-mail" also as "email",
-- "payments-api" as "paymentsapi"), so either spelling finds the other.
CREATE OR REPLACE FUNCTION callsheet_search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(lower(coalesce(t, '')), '[^[:alnum:]]+', ' ', 'g') || ' ' || coalesce((
    SELECT string_agg(regexp_replace(m[1], '[^[:alnum:]]', '', 'g'), ' ')
    FROM regexp_matches(lower(coalesce(t, '')), '([[:alnum:]]+(?:[-_.][[:alnum:]]+)+)', 'g') AS m), '')
$$;--> statement-breakpoint
-- The name part of a ref or of a spec value such as "domain:default/commerce".
CREATE OR REPLACE FUNCTION callsheet_ref_name(r text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(regexp_replace(r, '^.*[:/]', ''), '')
$$;--> statement-breakpoint
-- (Re)indexes these entities and the parts of these systems (a system's domain is searchable on its
-- parts); entities no longer stored lose their row.
CREATE OR REPLACE FUNCTION callsheet_index_search(refs text[]) RETURNS void LANGUAGE sql VOLATILE AS $$
  DELETE FROM entity_search s WHERE s.ref = ANY(refs) AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.ref = s.ref);
  WITH targets AS (
    SELECT unnest(refs) AS ref
    UNION
    SELECT p.ref FROM entities p
    WHERE EXISTS (SELECT 1 FROM unnest(refs) r WHERE r LIKE 'system:%') AND p.system_ref = ANY(refs)
  ), parts AS (
    SELECT e.ref,
      e.name || ' ' || coalesce(e.title, '') AS a,
      array_to_string(e.tags, ' ') || ' ' || callsheet_ref_name(e.system_ref) || ' ' ||
        coalesce((SELECT string_agg(callsheet_ref_name(r.target_ref), ' ') FROM relations r WHERE r.source_ref = e.ref AND r.type = 'providesApi'), '') AS b,
      e.kind || ' ' || coalesce(e.type, '') || ' ' || callsheet_ref_name(e.owner_ref) || ' ' ||
        callsheet_ref_name(coalesce(CASE WHEN e.kind = 'system' THEN e.entity->'spec'->>'domain' END, s.entity->'spec'->>'domain')) AS c,
      coalesce(e.description, '') || ' ' || coalesce(e.lifecycle, '') || ' ' ||
        coalesce((SELECT string_agg(callsheet_ref_name(r.target_ref), ' ') FROM relations r WHERE r.source_ref = e.ref AND r.type = 'consumesApi'), '') AS d
    FROM entities e JOIN targets t ON t.ref = e.ref LEFT JOIN entities s ON s.ref = e.system_ref
  ), texts AS (
    SELECT ref, callsheet_search_text(a) AS a, callsheet_search_text(b) AS b, callsheet_search_text(c) AS c, callsheet_search_text(d) AS d FROM parts
  ), indexed AS (
    INSERT INTO entity_search (ref, document)
    SELECT ref, setweight(to_tsvector('english', a), 'A') || setweight(to_tsvector('english', b), 'B') ||
      setweight(to_tsvector('english', c), 'C') || setweight(to_tsvector('english', d), 'D')
    FROM texts
    ON CONFLICT (ref) DO UPDATE SET document = excluded.document
  )
  INSERT INTO search_words (word)
  SELECT DISTINCT w FROM texts, regexp_split_to_table(a || ' ' || b || ' ' || c || ' ' || d, ' +') AS w
  WHERE length(w) BETWEEN 3 AND 40
  ON CONFLICT (word) DO NOTHING;
$$;--> statement-breakpoint
SELECT callsheet_index_search(array(SELECT ref FROM entities));
