-- The outbox of order events, written in the transaction of each change of an order, and the
-- lease of the one replica that publishes it to RabbitMQ. On SQLite, where writers take turns,
-- positions commit in order and "transaction_id" stays 0.

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
