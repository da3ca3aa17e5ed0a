-- The outbox of order events. Every write of an order that makes an event (its insert, and each
-- update that changes it visibly) carries the event in two columns of the row; a trigger copies it
-- to "order_events" in the same statement, numbered after the order's last event (the row is locked
-- by then, so two writers of one order never count the same number), and clears the payload before
-- the row is stored. So an event exists if and only if its change was written, by whichever writer.
-- An event's id is made of the database's id prefix and its position (no column, no index).
-- "transaction_id" is the id of the transaction that inserted the event: positions come from a
-- sequence and commit out of order across connections, so the events feed reads rows in
-- (transaction_id, position) order and serves only rows of transactions older than every
-- transaction still running. Its index is partial (transaction_id > 0, which every row is here, and
-- none on SQLite), as is the index of unpublished events. "order_event_relay" is the lease of the
-- one replica that publishes.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "event_type" TEXT,
ADD COLUMN "event_payload" TEXT;

-- CreateTable
CREATE TABLE "order_events" (
    "position" SERIAL NOT NULL,
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
CREATE TABLE "order_event_id_prefix" (
    "prefix" TEXT NOT NULL,

    CONSTRAINT "order_event_id_prefix_pkey" PRIMARY KEY ("prefix")
);

-- CreateTable
CREATE TABLE "order_event_relay" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_event_relay_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "order_events_order_id_sequence_key" ON "order_events"("order_id", "sequence");

-- CreateIndex
CREATE INDEX "order_events_transaction_id_position_idx" ON "order_events"("transaction_id", "position") WHERE "transaction_id" > 0;

-- CreateIndex
CREATE INDEX "order_events_published_at_position_idx" ON "order_events"("published_at", "position") WHERE "published_at" IS NULL;

-- CreateIndex
CREATE INDEX "order_events_occurred_at_idx" ON "order_events"("occurred_at");

-- The prefix of this database's event ids: 60 random bits.
INSERT INTO "order_event_id_prefix" ("prefix") VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 15));

-- CreateFunction
CREATE FUNCTION "order_event_record"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "order_events" ("order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."id",
            CASE WHEN TG_OP = 'INSERT' THEN 1
                 ELSE (SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = NEW."id") END,
            NEW."event_type", NEW."updated_at", NEW."event_payload");
    NEW."event_payload" := NULL;
    RETURN NEW;
END
$$;

-- CreateTrigger
CREATE TRIGGER "orders_event_on_insert" BEFORE INSERT ON "orders"
FOR EACH ROW WHEN (NEW."event_payload" IS NOT NULL) EXECUTE FUNCTION "order_event_record"();

-- CreateTrigger
CREATE TRIGGER "orders_event_on_update" BEFORE UPDATE OF "event_payload" ON "orders"
FOR EACH ROW WHEN (NEW."event_payload" IS NOT NULL) EXECUTE FUNCTION "order_event_record"();
