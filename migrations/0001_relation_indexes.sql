DROP INDEX "relations_target_idx";--> statement-breakpoint
ALTER TABLE "relations" DROP CONSTRAINT "relations_origin_ref_source_ref_type_target_ref_pk";--> statement-breakpoint
CREATE INDEX "relations_origin_idx" ON "relations" USING btree ("origin_ref");