-- An order's event is inserted by the orders repository in the transaction of its change, after
-- the change applied (the update has locked the order's row by then, so two writers of one order
-- never count the same sequence), as on SQLite, where the trigger that copied it from the order's
-- row wrote the row twice. The triggers, their function and the two columns go. Retention finds
-- old events from the oldest position on, so the index on occurred_at goes too.

-- DropTrigger
DROP TRIGGER "orders_event_on_insert" ON "orders";
DROP TRIGGER "orders_event_on_update" ON "orders";

-- DropFunction
DROP FUNCTION "order_event_record"();

-- AlterTable
ALTER TABLE "orders" DROP COLUMN "event_type",
DROP COLUMN "event_payload";

-- DropIndex
DROP INDEX "order_events_occurred_at_idx";

-- Only cancelled orders are looked up by (status, updated_at), by reconciliation, and only orders
-- under a lease by its expiry: the two indexes become partial, so that the writes of an order on
-- its way to PAID (three per order) no longer keep an entry of it in either, beyond its lease.
-- DropIndex
DROP INDEX "orders_status_updated_at_idx";
DROP INDEX "orders_lease_expires_at_idx";

-- CreateIndex
CREATE INDEX "orders_status_updated_at_idx" ON "orders"("status", "updated_at") WHERE "status" = 'CANCELLED';

-- CreateIndex
CREATE INDEX "orders_lease_expires_at_idx" ON "orders"("lease_expires_at") WHERE "lease_expires_at" IS NOT NULL;
