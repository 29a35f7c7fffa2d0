-- Slack installations for OAuth distribution (one row per workspace, or per Enterprise Grid org for
-- org-wide installs). Tokens live only inside `sealed` (AES-256-GCM, src/secrets/encryption.ts).
CREATE TABLE IF NOT EXISTS "slack_installations" (
	"key" text PRIMARY KEY NOT NULL,
	"team_id" text,
	"enterprise_id" text,
	"is_enterprise_install" boolean DEFAULT false NOT NULL,
	"bot_user_id" text,
	"scopes" text[] DEFAULT '{}' NOT NULL,
	"expires_at" timestamp with time zone,
	"key_id" text NOT NULL,
	"sealed" text NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
