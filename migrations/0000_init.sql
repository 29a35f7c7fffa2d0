CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"platform" text NOT NULL,
	"actor" text NOT NULL,
	"actor_ref" text,
	"action" text NOT NULL,
	"target" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "chat_channels" (
	"platform" text NOT NULL,
	"conversation_id" text NOT NULL,
	"group_ref" text,
	"team_id" text,
	"tenant_id" text,
	"name" text,
	"reference" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_channels_platform_conversation_id_pk" PRIMARY KEY("platform","conversation_id")
);
--> statement-breakpoint
CREATE TABLE "chat_email_lookups" (
	"platform" text NOT NULL,
	"email" text NOT NULL,
	"external_id" text,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_email_lookups_platform_email_pk" PRIMARY KEY("platform","email")
);
--> statement-breakpoint
CREATE TABLE "chat_identities" (
	"platform" text NOT NULL,
	"workspace_id" text DEFAULT '' NOT NULL,
	"external_id" text NOT NULL,
	"email" text,
	"display_name" text,
	"user_ref" text,
	"details" jsonb,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_identities_platform_workspace_id_external_id_pk" PRIMARY KEY("platform","workspace_id","external_id")
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"ref" text PRIMARY KEY NOT NULL,
	"uid" text NOT NULL,
	"kind" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"description" text,
	"owner_ref" text,
	"type" text,
	"lifecycle" text,
	"system_ref" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"entity" jsonb NOT NULL,
	"source_id" text NOT NULL,
	"file_path" text NOT NULL,
	"file_url" text,
	"content_hash" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"file_committed_at" timestamp with time zone,
	"last_reviewed_at" timestamp with time zone,
	"last_reviewed_by" text
);
--> statement-breakpoint
CREATE TABLE "inbound_deliveries" (
	"source" text NOT NULL,
	"delivery_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_deliveries_source_delivery_id_pk" PRIMARY KEY("source","delivery_id")
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nudge_deliveries" (
	"run_id" integer NOT NULL,
	"team_ref" text NOT NULL,
	"status" text NOT NULL,
	"route" jsonb,
	"digest" jsonb,
	"messages" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "nudge_deliveries_run_id_team_ref_pk" PRIMARY KEY("run_id","team_ref")
);
--> statement-breakpoint
CREATE TABLE "nudge_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"slot" text NOT NULL,
	"status" text NOT NULL,
	"claimed_by" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"summary" jsonb,
	CONSTRAINT "nudge_runs_slot_unique" UNIQUE("slot")
);
--> statement-breakpoint
CREATE TABLE "relations" (
	"origin_ref" text NOT NULL,
	"source_ref" text NOT NULL,
	"type" text NOT NULL,
	"target_ref" text NOT NULL,
	CONSTRAINT "relations_origin_ref_source_ref_type_target_ref_pk" PRIMARY KEY("origin_ref","source_ref","type","target_ref")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_ref" text NOT NULL,
	"by" text,
	"platform" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scaffolder_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"template_ref" text NOT NULL,
	"requester" jsonb NOT NULL,
	"values" jsonb NOT NULL,
	"status" text NOT NULL,
	"claimed_by" text,
	"heartbeat_at" timestamp with time zone,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"outputs" jsonb,
	"error" text,
	"reply_to" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "snoozes" (
	"entity_ref" text NOT NULL,
	"rule" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "snoozes_entity_ref_rule_pk" PRIMARY KEY("entity_ref","rule")
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"trusted" boolean DEFAULT false NOT NULL,
	"last_revision" text,
	"last_synced_at" timestamp with time zone,
	"last_status" text,
	"state" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_problems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"run_id" integer,
	"file_path" text NOT NULL,
	"line" integer,
	"entity_ref" text,
	"owner_ref" text,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text NOT NULL,
	"revision" text,
	"added" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"problems" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "team_scores" (
	"team_ref" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"run_id" integer,
	"score" real NOT NULL,
	"entities" integer NOT NULL,
	CONSTRAINT "team_scores_team_ref_at_pk" PRIMARY KEY("team_ref","at")
);
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "chat_channels_group_idx" ON "chat_channels" USING btree ("group_ref");--> statement-breakpoint
CREATE INDEX "chat_identities_email_idx" ON "chat_identities" USING btree ("platform","email");--> statement-breakpoint
CREATE INDEX "chat_identities_user_idx" ON "chat_identities" USING btree ("user_ref");--> statement-breakpoint
CREATE INDEX "entities_name_idx" ON "entities" USING btree ("name");--> statement-breakpoint
CREATE INDEX "entities_kind_idx" ON "entities" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "entities_owner_idx" ON "entities" USING btree ("owner_ref");--> statement-breakpoint
CREATE INDEX "entities_source_idx" ON "entities" USING btree ("source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leases_name_holder_idx" ON "leases" USING btree ("name","holder");--> statement-breakpoint
CREATE INDEX "relations_source_idx" ON "relations" USING btree ("source_ref","type");--> statement-breakpoint
CREATE INDEX "relations_target_idx" ON "relations" USING btree ("target_ref","type");--> statement-breakpoint
CREATE INDEX "reviews_entity_idx" ON "reviews" USING btree ("entity_ref","at");--> statement-breakpoint
CREATE INDEX "scaffolder_tasks_status_idx" ON "scaffolder_tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "sync_problems_source_idx" ON "sync_problems" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "sync_problems_owner_idx" ON "sync_problems" USING btree ("owner_ref");--> statement-breakpoint
CREATE INDEX "sync_runs_source_idx" ON "sync_runs" USING btree ("source_id","started_at");