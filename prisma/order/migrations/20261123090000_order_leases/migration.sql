-- CreateTable
CREATE TABLE "order_leases" (
    "order_id" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "work" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
);
