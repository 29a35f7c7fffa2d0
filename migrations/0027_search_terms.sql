-- Issue 16, search latency: how many documents hold each lexeme, so a word found on most entities
-- (`service`, `production`) is recognised without reading its matches (src/catalog/search-terms.ts).
-- Kept by statement triggers on entity_search, so every write (sync, removals, the system context
-- update, this back-fill) counts. Rows are deltas, not one row per lexeme: concurrent syncs of
-- different sources only insert, and never wait for each other on a hot word's row; a sync folds
-- them back into one row per lexeme when it ends (compactSearchTerms). The lexeme '' (never a real
-- one) counts the documents.
CREATE TABLE IF NOT EXISTS "search_terms" (
	"lexeme" text COLLATE "C" NOT NULL,
	"docs" integer NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_terms_lexeme_idx" ON "search_terms" ("lexeme");--> statement-breakpoint
CREATE OR REPLACE FUNCTION "search_terms_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO search_terms (lexeme, docs)
      SELECT l, count(*)::int FROM new_rows n, unnest(array_append(tsvector_to_array(n.document || n.context), '')) AS l GROUP BY l;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO search_terms (lexeme, docs)
      SELECT l, -count(*)::int FROM old_rows o, unnest(array_append(tsvector_to_array(o.document || o.context), '')) AS l GROUP BY l;
  ELSE
    INSERT INTO search_terms (lexeme, docs)
      SELECT l, sum(d)::int FROM (
        SELECT l, 1 AS d FROM new_rows n, unnest(tsvector_to_array(n.document || n.context)) AS l
        UNION ALL SELECT l, -1 AS d FROM old_rows o, unnest(tsvector_to_array(o.document || o.context)) AS l) AS x
      GROUP BY l HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
DROP TRIGGER IF EXISTS "search_terms_insert" ON "entity_search";--> statement-breakpoint
CREATE TRIGGER "search_terms_insert" AFTER INSERT ON "entity_search" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "search_terms_count"();--> statement-breakpoint
DROP TRIGGER IF EXISTS "search_terms_update" ON "entity_search";--> statement-breakpoint
CREATE TRIGGER "search_terms_update" AFTER UPDATE ON "entity_search" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "search_terms_count"();--> statement-breakpoint
DROP TRIGGER IF EXISTS "search_terms_delete" ON "entity_search";--> statement-breakpoint
CREATE TRIGGER "search_terms_delete" AFTER DELETE ON "entity_search" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "search_terms_count"();--> statement-breakpoint
-- Back-fill what is indexed already (nothing is counted twice: the triggers did not exist before).
DELETE FROM "search_terms";--> statement-breakpoint
INSERT INTO "search_terms" ("lexeme", "docs")
SELECT l, count(*)::int FROM "entity_search" es, unnest(array_append(tsvector_to_array(es.document || es.context), '')) AS l GROUP BY l;
