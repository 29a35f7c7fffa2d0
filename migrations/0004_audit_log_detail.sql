-- Issue 13: every command, question, submission, task, button, nudge action, API call and refusal is
-- an audit row; these columns say where it happened, what was typed and how it ended, and the
-- indexes serve `audit <user|entity|template> --since` and the retention prune.
ALTER TABLE "audit_log" ADD COLUMN IF NOT EXISTS "channel" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN IF NOT EXISTS "text" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN IF NOT EXISTS "outcome" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_actor_ref_at_idx" ON "audit_log" USING btree ("actor_ref","at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_target_at_idx" ON "audit_log" USING btree ("target","at");
