-- Every statement that changes the catalog's entities or relations tells each replica, at commit,
-- on channel callsheet_catalog: replicas keep rendered entity JSON in memory and drop it on this
-- signal (src/db/catalog-changes.ts). A statement-level trigger costs one notification per
-- statement (Postgres folds identical ones within a transaction), not one per row, so a sync of
-- half a million rows is not slowed down.
CREATE OR REPLACE FUNCTION callsheet_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('callsheet_catalog', 'changed');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER entities_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities FOR EACH STATEMENT EXECUTE FUNCTION callsheet_catalog_changed();
--> statement-breakpoint
CREATE TRIGGER relations_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON relations FOR EACH STATEMENT EXECUTE FUNCTION callsheet_catalog_changed();
