-- One row per problem a sync recorded on a file, keyed by (source, file, problem hash): the owners
-- are told once when it appears and once when it clears, by whichever replica claims the row first.
CREATE TABLE IF NOT EXISTS "problem_notifications" (
  "id" bigserial PRIMARY KEY NOT NULL,
  "source_id" text NOT NULL,
  "file_path" text NOT NULL,
  "problem_hash" text NOT NULL,
  "line" integer,
  "entity_ref" text,
  "owner_ref" text,
  "message" text NOT NULL,
  "first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
  "notified_at" timestamp with time zone,
  "cleared_at" timestamp with time zone,
  "fixed_notified_at" timestamp with time zone,
  "claimed_by" text,
  "claimed_at" timestamp with time zone,
  "attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "problem_notifications_key_idx" ON "problem_notifications" ("source_id", "file_path", "problem_hash");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "watches" (
  "watcher" text NOT NULL,
  "platform" text NOT NULL,
  "chat_id" text NOT NULL,
  "target_ref" text NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  PRIMARY KEY ("watcher", "target_ref")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "watches_target_idx" ON "watches" ("target_ref");
