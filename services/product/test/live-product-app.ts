import { bearer, closeWhenFileEnds, listen } from '@order-system/testing';
import { createTestProductApp, type TestProductApp } from './product-app.js';

const SERVICE = bearer('service');
const ADMIN = bearer('admin');

export interface LiveProductApp {
  deps: TestProductApp['deps'];
  /** GET over real HTTP; the status. */
  get: (path: string) => Promise<number>;
  /** POST a JSON body over real HTTP, with a service token unless `auth` says otherwise. */
  post: (path: string, body: unknown, auth?: string) => Promise<{ status: number; body: Record<string, unknown> }>;
  /** DELETE /api/products/reservations/{id}/ with a service token; the status. */
  release: (reservationId: string) => Promise<number>;
  /** A new product with this stock; its id. */
  createProduct: (stock: number) => Promise<number>;
  /** The product's stock, straight from the database. */
  stockOf: (id: number) => Promise<number>;
  close: () => Promise<void>;
}

/** The real product app behind a real listening server, for tests whose requests must truly overlap. */
export async function startLiveProductApp(): Promise<LiveProductApp> {
  const t = await createTestProductApp();
  const server = await listen(t.app);
  const post: LiveProductApp['post'] = async (path, body, auth = SERVICE) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: auth },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    deps: t.deps,
    get: async (path) => (await fetch(`${server.url}${path}`)).status,
    post,
    release: async (reservationId) =>
      (await fetch(`${server.url}/api/products/reservations/${reservationId}/`, { method: 'DELETE', headers: { Authorization: SERVICE } }))
        .status,
    createProduct: async (stock) => (await post('/api/products/', { name: `P${stock}`, price: '3.00', stock }, ADMIN)).body.id as number,
    stockOf: async (id) => (await t.deps.prisma.product.findUniqueOrThrow({ where: { id } })).stock,
    close: closeWhenFileEnds(async () => {
      await server.close();
      await t.deps.close();
    }),
  };
}
