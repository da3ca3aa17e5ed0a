-- The outbox of order events. Every write of an order that makes an event (its insert, and each
-- update that changes it visibly) carries the event in three columns of the row; a trigger copies
-- it to "order_events" in the same statement, numbered after the order's last event (the row is
-- locked by then, so two writers of one order never count the same number), and clears the payload
-- before the row is stored. So an event exists if and only if its change was written, by whichever
-- writer. "transaction_id" is the id of the transaction that inserted the event: positions come
-- from a sequence and commit out of order across connections, so the events feed orders rows by
-- (transaction_id, position) and serves only rows of transactions older than every transaction
-- still running. "order_event_relay" is the lease of the one replica that publishes.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "event_id" TEXT,
ADD COLUMN "event_type" TEXT,
ADD COLUMN "event_payload" TEXT;

-- CreateTable
CREATE TABLE "order_events" (
    "position" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" TEXT NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "order_events_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "order_event_relay" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_event_relay_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "order_events_id_key" ON "order_events"("id");

-- CreateIndex
CREATE INDEX "order_events_transaction_id_position_idx" ON "order_events"("transaction_id", "position");

-- CreateIndex
CREATE INDEX "order_events_published_at_position_idx" ON "order_events"("published_at", "position");

-- CreateIndex
CREATE INDEX "order_events_occurred_at_idx" ON "order_events"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "order_events_order_id_sequence_key" ON "order_events"("order_id", "sequence");

-- CreateFunction
CREATE FUNCTION "order_event_record"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "order_events" ("id", "order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."event_id", NEW."id",
            CASE WHEN TG_OP = 'INSERT' THEN 1
                 ELSE (SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = NEW."id") END,
            NEW."event_type", NEW."updated_at", NEW."event_payload");
    NEW."event_payload" := NULL;
    RETURN NEW;
END
$$;

-- CreateTrigger
CREATE TRIGGER "orders_event_on_insert" BEFORE INSERT ON "orders"
FOR EACH ROW WHEN (NEW."event_id" IS NOT NULL) EXECUTE FUNCTION "order_event_record"();

-- CreateTrigger
CREATE TRIGGER "orders_event_on_update" BEFORE UPDATE OF "event_id" ON "orders"
FOR EACH ROW WHEN (NEW."event_id" IS NOT NULL AND NEW."event_id" IS DISTINCT FROM OLD."event_id")
EXECUTE FUNCTION "order_event_record"();
