-- Issue 15, half a million entities. A one-file re-sync looks up the source's rows by file
-- (previousState, removeUnseen, the owners of broken files): with an index on source_id alone each
-- of those read every row of the source. (source_id, file_path) serves those and everything that
-- asked by source alone, so it replaces entities_source_idx.
CREATE INDEX IF NOT EXISTS "entities_source_file_idx" ON "entities" USING btree ("source_id", "file_path");--> statement-breakpoint
DROP INDEX IF EXISTS "entities_source_idx";--> statement-breakpoint
-- A System written carries its domain to its parts (search-index.ts): found by system_ref, which
-- without an index was a scan of the catalog per chunk of Systems written, quadratic in a sync.
CREATE INDEX IF NOT EXISTS "entities_system_idx" ON "entities" USING btree ("system_ref");--> statement-breakpoint
-- Retail insertion into a GIN index with fastupdate off was most of what a first sync cost Postgres
-- (each entity puts dozens of keys into four GIN indexes). With a pending list, rows written are
-- merged in bulk; sync empties the lists itself at the end of every write (store.ts), so PGlite,
-- which runs no autovacuum, never leaves searches reading a long pending list (why 0022 turned it off).
ALTER INDEX "entity_search_all_idx" SET (fastupdate = on);--> statement-breakpoint
ALTER INDEX "entity_search_strong_idx" SET (fastupdate = on);--> statement-breakpoint
ALTER INDEX "search_words_trgm_idx" SET (fastupdate = on);--> statement-breakpoint
ALTER INDEX "entities_name_trgm_idx" SET (fastupdate = on);
