import { createLogger, openDatabase } from '@order-system/platform';
import { ORDER_DATABASE } from '../../services/order/src/database.js';
import { LeasedInFlightOrders } from '../../services/order/src/orders/order-leases.js';
import { OrderLeasesRepository } from '../../services/order/src/orders/order-leases.repository.js';

const url = 'postgresql://postgres@127.0.0.1:5432/tmp_lease';
const logger = createLogger({ service: 't', level: 'debug' });
const { prisma } = await openDatabase(ORDER_DATABASE, { databaseUrl: url, poolSize: 3, logger });
const a = new LeasedInFlightOrders(new OrderLeasesRepository(prisma, 600), { owner: 'A', ttlMs: 600, logger });
const b = new LeasedInFlightOrders(new OrderLeasesRepository(prisma, 600), { owner: 'B', ttlMs: 600, logger });
const work = a.run('o1', 'workflow', async () => {
  for (let i = 0; i < 8; i++) {
    await new Promise((r) => setTimeout(r, 200));
    console.log(
      i,
      await b.tryRun('o1', 'recovery', async () => 'ran'),
      await prisma.$queryRaw`SELECT owner, expires_at, now() FROM order_leases`,
    );
  }
});
await work;
await prisma.$disconnect();
