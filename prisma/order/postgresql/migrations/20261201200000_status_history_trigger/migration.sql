-- The status history is kept by the database itself: every order's first status and every change of
-- it append a history row, in the same statement, with who made it and why (the two new columns hold
-- those of the last change). No writer can change a status without its row.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "status_changed_by" TEXT,
ADD COLUMN "status_reason" TEXT;

-- CreateFunction
CREATE FUNCTION "order_status_history_append"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "order_status_history" ("order_id", "from_status", "to_status", "at", "by", "reason")
    VALUES (NEW."id", CASE WHEN TG_OP = 'UPDATE' THEN OLD."status" END, NEW."status", NEW."updated_at",
            NEW."status_changed_by", NEW."status_reason");
    RETURN NULL;
END
$$;

-- CreateTrigger
CREATE TRIGGER "orders_status_history_on_insert" AFTER INSERT ON "orders"
FOR EACH ROW EXECUTE FUNCTION "order_status_history_append"();

-- CreateTrigger
CREATE TRIGGER "orders_status_history_on_update" AFTER UPDATE OF "status" ON "orders"
FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "order_status_history_append"();
