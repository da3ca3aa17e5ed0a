-- The reconciliation listing (updated_after, oldest first) reads a range of this index instead of
-- scanning and sorting the table for each page and its count.
-- DropIndex
DROP INDEX "payments_status_updated_at_idx";

-- CreateIndex
CREATE INDEX "payments_updated_at_id_idx" ON "payments"("updated_at", "id");
