-- Which sources people, groups and membership are read from (ORG_SOURCES). False until a sync of a
-- configured org source says otherwise: nobody gains an identity from a source not yet vouched for.
ALTER TABLE "sources" ADD COLUMN IF NOT EXISTS "org" boolean DEFAULT false NOT NULL;
