-- The outbox of order events. Every write of an order that makes an event (its insert, and each
-- update that changes it visibly) carries the event in three columns of the row; a trigger copies
-- it to "order_events" in the same statement, numbered after the order's last event, and clears the
-- payload from the row. So an event exists if and only if its change was written, by whichever
-- writer. On SQLite, where writers take turns, positions commit in order and "transaction_id"
-- stays 0. "order_event_relay" is the lease of the one replica that publishes (PostgreSQL only).

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "event_id" TEXT;
ALTER TABLE "orders" ADD COLUMN "event_type" TEXT;
ALTER TABLE "orders" ADD COLUMN "event_payload" TEXT;

-- CreateTable
CREATE TABLE "order_events" (
    "position" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL,
    "payload" TEXT NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "published_at" DATETIME
);

-- CreateTable
CREATE TABLE "order_event_relay" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
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

-- CreateTrigger
CREATE TRIGGER "orders_event_on_insert" AFTER INSERT ON "orders"
WHEN NEW."event_id" IS NOT NULL
BEGIN
    INSERT INTO "order_events" ("id", "order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."event_id", NEW."id", 1, NEW."event_type", NEW."updated_at", NEW."event_payload");
    UPDATE "orders" SET "event_payload" = NULL WHERE "id" = NEW."id";
END;

-- CreateTrigger
CREATE TRIGGER "orders_event_on_update" AFTER UPDATE OF "event_id" ON "orders"
WHEN NEW."event_id" IS NOT NULL AND NEW."event_id" IS NOT OLD."event_id"
BEGIN
    INSERT INTO "order_events" ("id", "order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."event_id", NEW."id",
            (SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = NEW."id"),
            NEW."event_type", NEW."updated_at", NEW."event_payload");
    UPDATE "orders" SET "event_payload" = NULL WHERE "id" = NEW."id";
END;
