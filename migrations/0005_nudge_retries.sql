-- A delivery deferred by a 429 or a transient error waits for this time before it is claimed again.
ALTER TABLE "nudge_deliveries" ADD COLUMN IF NOT EXISTS "next_attempt_at" timestamptz;
