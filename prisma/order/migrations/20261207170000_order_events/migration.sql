-- The outbox of order events. Every write of an order that makes an event (its insert, and each
-- update that changes it visibly) carries the event in two columns of the row; a trigger copies
-- it to "order_events" in the same statement, numbered after the order's last event, and clears the
-- payload from the row. So an event exists if and only if its change was written, by whichever
-- writer. An event's id is made of the database's id prefix and its position (no column, no index).
-- On SQLite, where writers take turns, positions commit in order and "transaction_id" stays 0: its
-- index is partial and stays empty. The index of unpublished events is partial too.
-- "order_event_relay" is the lease of the one replica that publishes (PostgreSQL only).

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "event_type" TEXT;
ALTER TABLE "orders" ADD COLUMN "event_payload" TEXT;

-- CreateTable
CREATE TABLE "order_events" (
    "position" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "order_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL,
    "payload" TEXT NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "published_at" DATETIME
);

-- CreateTable
CREATE TABLE "order_event_id_prefix" (
    "prefix" TEXT NOT NULL PRIMARY KEY
);

-- CreateTable
CREATE TABLE "order_event_relay" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
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
INSERT INTO "order_event_id_prefix" ("prefix") VALUES (substr(lower(hex(randomblob(8))), 1, 15));

-- CreateTrigger
CREATE TRIGGER "orders_event_on_insert" AFTER INSERT ON "orders"
WHEN NEW."event_payload" IS NOT NULL
BEGIN
    INSERT INTO "order_events" ("order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."id", 1, NEW."event_type", NEW."updated_at", NEW."event_payload");
    UPDATE "orders" SET "event_payload" = NULL WHERE "id" = NEW."id";
END;

-- CreateTrigger
CREATE TRIGGER "orders_event_on_update" AFTER UPDATE OF "event_payload" ON "orders"
WHEN NEW."event_payload" IS NOT NULL
BEGIN
    INSERT INTO "order_events" ("order_id", "sequence", "type", "occurred_at", "payload")
    VALUES (NEW."id", (SELECT COALESCE(MAX("sequence"), 0) + 1 FROM "order_events" WHERE "order_id" = NEW."id"),
            NEW."event_type", NEW."updated_at", NEW."event_payload");
    UPDATE "orders" SET "event_payload" = NULL WHERE "id" = NEW."id";
END;
