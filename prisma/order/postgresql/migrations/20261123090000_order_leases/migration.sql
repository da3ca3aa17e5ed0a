-- CreateTable
CREATE TABLE "order_leases" (
    "order_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "work" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_leases_pkey" PRIMARY KEY ("order_id")
);
