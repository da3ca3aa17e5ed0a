-- Where an order goes and how it travels: the shipping address given when it was placed (every column
-- null for the orders placed before, and for those placed without one), and the carrier and tracking
-- number an admin gives with the move to SHIPPED.
-- The customers' shopping carts: one per customer, one line per product. A cart being checked out
-- names its order (checkout_order_id); the transaction that records that order PAID empties the cart.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN "shipping_name" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_line1" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_line2" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_city" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_region" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_postal_code" TEXT;
ALTER TABLE "orders" ADD COLUMN "shipping_country" TEXT;
ALTER TABLE "orders" ADD COLUMN "carrier" TEXT;
ALTER TABLE "orders" ADD COLUMN "tracking_number" TEXT;

-- CreateTable
CREATE TABLE "carts" (
    "user_id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 0,
    "checkout_order_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "cart_items" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" TEXT NOT NULL,
    "product_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "cart_items_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "carts" ("user_id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "carts_checkout_order_id_key" ON "carts"("checkout_order_id");

-- CreateIndex
CREATE INDEX "carts_updated_at_idx" ON "carts"("updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "cart_items_user_id_product_id_key" ON "cart_items"("user_id", "product_id");
