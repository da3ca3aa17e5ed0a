-- Who works on an order is kept on the order itself: a lease (a token, the kind of work, an expiry)
-- taken with the order's insert or by a conditional update, and every write of that work is
-- conditional on the token (a fence): a worker that lost its lease cannot write any more. The
-- separate order_leases table goes; its rows could outlive their orders.
-- A cancelled order keeps its failure code next to its reason, instead of the code being read back
-- from the sentence.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "failure_code" TEXT;
ALTER TABLE "orders" ADD COLUMN "lease_token" TEXT;
ALTER TABLE "orders" ADD COLUMN "lease_work" TEXT;
ALTER TABLE "orders" ADD COLUMN "lease_expires_at" DATETIME;

-- Backfill: the code of every cancelled order, from the sentences the service has written so far.
-- A change made by a person (status_changed_by other than "system") is a cancellation on request.
UPDATE "orders" SET "failure_code" = CASE
    WHEN "status_changed_by" IS NOT NULL AND "status_changed_by" <> 'system' THEN 'order_cancelled'
    WHEN "cancellation_reason" LIKE 'Product % not found' THEN 'product_not_found'
    WHEN "cancellation_reason" LIKE 'Product % is out of stock' THEN 'out_of_stock'
    WHEN "cancellation_reason" LIKE 'The order total must not exceed %' THEN 'amount_too_large'
    WHEN "cancellation_reason" = 'Payment failed' THEN 'payment_failed'
    WHEN "cancellation_reason" = 'Product service unavailable' THEN 'product_service_unavailable'
    WHEN "cancellation_reason" = 'Payment service unavailable' THEN 'payment_service_unavailable'
    WHEN "cancellation_reason" = 'Order interrupted before payment; not charged' THEN 'order_interrupted'
    WHEN "cancellation_reason" = 'Payment was refunded' THEN 'payment_refunded'
    WHEN "cancellation_reason" = 'Payment amount did not match the order total; refunded' THEN 'payment_amount_mismatch'
    WHEN "cancellation_reason" = 'Order interrupted before its stock was confirmed; refunded' THEN 'stock_not_confirmed'
    ELSE 'order_cancelled'
END
WHERE "status" = 'CANCELLED';

-- DropTable
DROP TABLE "order_leases";

-- CreateTable
CREATE TABLE "reconciliation_cursors" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "position" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "orders_lease_expires_at_idx" ON "orders"("lease_expires_at");

-- CreateIndex
CREATE INDEX "orders_status_updated_at_idx" ON "orders"("status", "updated_at");
