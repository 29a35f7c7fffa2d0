-- One row per component Callsheet proposed an AGENTS.md for: the digest's "Add AGENTS.md" button
-- hides once a proposal is open and comes back as "Update" when the entity changed since. The row is
-- also the claim that keeps two clicks (on two replicas) from opening two pull requests at once.
CREATE TABLE IF NOT EXISTS "agents_md_proposals" (
  "entity_ref" text PRIMARY KEY NOT NULL,
  "status" text NOT NULL,
  "url" text,
  "kind" text,
  "requested_by" text NOT NULL,
  "claimed_at" timestamp with time zone NOT NULL,
  "proposed_at" timestamp with time zone
);
