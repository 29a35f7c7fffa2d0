-- Issue 16, search latency: the ranked search asks three questions, each now answered by one GIN
-- index: "any/every word anywhere" (document || context, one index instead of one per column, so
-- an AND across both needs no scan) and "any word in a strong field" (ts_filter to weights A and B:
-- name, title, tags, system, APIs), which picks ranking candidates when a word is everywhere
-- (`service`, `production`). fastupdate = off: PGlite runs no autovacuum, so a pending list would
-- never be merged and every query would read all of it (300+ pages at 50,000 entities).
CREATE INDEX IF NOT EXISTS "entity_search_all_idx" ON "entity_search" USING gin (("document" || "context")) WITH (fastupdate = off);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "entity_search_strong_idx" ON "entity_search" USING gin ((ts_filter("document", '{a,b}'))) WITH (fastupdate = off);--> statement-breakpoint
DROP INDEX IF EXISTS "entity_search_document_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "entity_search_context_idx";--> statement-breakpoint
ALTER INDEX "search_words_trgm_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "entities_name_trgm_idx" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('search_words_trgm_idx'::regclass), gin_clean_pending_list('entities_name_trgm_idx'::regclass);--> statement-breakpoint
-- Issue 16, watch: what each watched entity looked like when its watchers were last told (owner,
-- lifecycle, system, whether it exists), and one row per change found, claimed by one replica
-- (FOR UPDATE SKIP LOCKED, as problem notifications) so each watcher hears once.
CREATE TABLE IF NOT EXISTS "watch_snapshots" (
  "ref" text PRIMARY KEY NOT NULL,
  "present" boolean NOT NULL,
  "owner_ref" text,
  "lifecycle" text,
  "system_ref" text,
  "seen_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "watch_changes" (
  "id" bigserial PRIMARY KEY NOT NULL,
  "ref" text NOT NULL,
  "before" jsonb NOT NULL,
  "after" jsonb NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "notified_at" timestamp with time zone,
  "claimed_by" text,
  "claimed_at" timestamp with time zone,
  "attempts" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "watch_changes_open_idx" ON "watch_changes" ("id") WHERE "notified_at" IS NULL;
