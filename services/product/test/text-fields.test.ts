import { bearer, CONTROL_CHARACTERS, INVISIBLE_ONLY, UNPAIRED_SURROGATES, WELL_FORMED_TEXT } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

// Every text field of the product service: unpaired surrogates (stored as U+FFFD otherwise),
// control characters and values that show nothing are refused; real text is kept as sent.
const ADMIN = bearer('admin');
let t: TestProductApp;
beforeAll(async () => {
  t = await createTestProductApp();
});

const VALID = { name: 'Keyboard', description: 'Mechanical', price: '49.90', stock: 12 };
const create = (body: object) => request(t.app).post('/api/products/').set('Authorization', ADMIN).send(body);
const productId = async () => (await create(VALID).expect(201)).body.id as number;
const count = () => t.deps.prisma.product.count();

interface Field {
  label: string;
  field: 'name' | 'description';
  /** A value that shows nothing is refused (required fields). */
  required: boolean;
  send: (value: string) => Promise<request.Response>;
}

const FIELDS: Field[] = [
  { label: 'POST name', field: 'name', required: true, send: (value) => create({ ...VALID, name: value }) },
  { label: 'POST description', field: 'description', required: false, send: (value) => create({ ...VALID, description: value }) },
  {
    label: 'PUT name',
    field: 'name',
    required: true,
    send: async (value) =>
      request(t.app)
        .put(`/api/products/${await productId()}/`)
        .set('Authorization', ADMIN)
        .send({ ...VALID, name: value }),
  },
  {
    label: 'PATCH name',
    field: 'name',
    required: true,
    send: async (value) =>
      request(t.app)
        .patch(`/api/products/${await productId()}/`)
        .set('Authorization', ADMIN)
        .send({ name: value }),
  },
  {
    label: 'PATCH description',
    field: 'description',
    required: false,
    send: async (value) =>
      request(t.app)
        .patch(`/api/products/${await productId()}/`)
        .set('Authorization', ADMIN)
        .send({ description: value }),
  },
];

describe.each(FIELDS)('$label', ({ field, required, send }) => {
  const refused = {
    ...UNPAIRED_SURROGATES,
    ...CONTROL_CHARACTERS,
    ...(required ? INVISIBLE_ONLY : {}),
  };

  it.each(Object.entries(refused))('when it has %s, then 400 validation_failed naming the field', async (_case, value) => {
    const res = await send(value);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.details[field]).toEqual([expect.any(String)]);
  });

  it.each(Object.entries(WELL_FORMED_TEXT))('when it is %s, then it is stored exactly as sent', async (_case, value) => {
    const res = await send(value);

    expect(res.status).toBeLessThan(300);
    expect(res.body[field]).toBe(value);
    const stored = await t.deps.prisma.product.findUnique({ where: { id: res.body.id } });
    expect(stored?.[field]).toBe(value);
  });
});

describe('POST /api/products/ with refused text', () => {
  it('when the name is refused, then nothing is stored', async () => {
    const before = await count();

    await create({ ...VALID, name: 'x\ud800y' }).expect(400);
    await create({ ...VALID, name: '\u200B' }).expect(400);

    expect(await count()).toBe(before);
  });

  it('when the description has line breaks and tabs, then they are kept', async () => {
    const res = await create({ ...VALID, description: 'line one\n\tline two\r\n' }).expect(201);
    expect(res.body.description).toBe('line one\n\tline two\r\n');
  });
});

describe('POST /api/token/ with refused text', () => {
  const login = (body: object) => request(t.app).post('/api/token/').send(body);

  it.each(Object.entries({ ...UNPAIRED_SURROGATES, ...INVISIBLE_ONLY, ...CONTROL_CHARACTERS }))(
    'when the username has %s, then 400 validation_failed',
    async (_case, username) => {
      const res = await login({ username, password: 'correct-horse-battery' });
      expect(res.status).toBe(400);
      expect(res.body.details.username).toEqual([expect.any(String)]);
    },
  );

  it('when the password has an unpaired surrogate, then 400: it would compare equal to any other unpaired surrogate', async () => {
    const res = await login({ username: 'admin', password: 'correct-horse-batter\ud800' });
    expect(res.status).toBe(400);
    expect(res.body.details.password).toEqual([expect.any(String)]);
  });
});
