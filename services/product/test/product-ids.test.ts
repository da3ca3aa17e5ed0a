import { bearer } from '@order-system/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestProductApp, type TestProductApp } from './product-app.js';

// GET /api/products/?ids=1,2,3: only those products, on a database of this file's own.
const ADMIN = bearer('admin');
let t: TestProductApp;
let ids: number[];

beforeAll(async () => {
  t = await createTestProductApp();
  ids = [];
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const res = await request(t.app).post('/api/products/').set('Authorization', ADMIN).send({ name, price: '1.00', stock: 1 });
    ids.push(res.body.id);
  }
});

const list = (query: string) => request(t.app).get(`/api/products/?${query}`);
const idsOf = (body: { id: number }[]) => body.map((product) => product.id);

describe('GET /api/products/?ids=', () => {
  it('when some ids exist, then just those come back in id order, and X-Total-Count says how many were found', async () => {
    const [a, , c] = ids as [number, number, number];

    const res = await list(`ids=${c},999999,${a},${c}`);

    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([a, c]);
    expect(res.body[0]).toMatchObject({ id: a, name: 'a', price: '1.00', stock: 1 });
    expect(res.headers['x-total-count']).toBe('2');
  });

  it('when no id exists, then an empty list with X-Total-Count 0', async () => {
    const res = await list('ids=999998,999999');

    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(res.headers['x-total-count']).toBe('0');
  });

  it('when a page is asked for, then limit and offset cut the found products, and Link keeps the ids', async () => {
    const wanted = ids.slice(0, 5);

    const res = await list(`ids=${wanted.join(',')}&limit=2&offset=2`);

    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(wanted.slice(2, 4));
    expect(res.headers['x-total-count']).toBe('5');
    const listed = encodeURIComponent(wanted.join(','));
    expect(res.headers.link).toContain(`?ids=${listed}&limit=2&offset=4>; rel="next"`);
    expect(res.headers.link).toContain(`?ids=${listed}&limit=2&offset=0>; rel="prev"`);
    expect(res.headers.link).toContain(`?ids=${listed}&limit=2&offset=4>; rel="last"`);
  });

  it('when 100 ids are listed, repeats included, then they are accepted and each product is answered once', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ids[i % ids.length] as number);

    const res = await list(`ids=${hundred.join(',')}`);

    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(ids);
    expect(res.headers['x-total-count']).toBe(String(ids.length));
  });

  it.each([
    ['empty', 'ids=', 'must list at least one product id'],
    ['a word', 'ids=abc', 'must be positive integers separated by commas'],
    ['a float', 'ids=1.5', 'must be positive integers separated by commas'],
    ['a negative id', 'ids=-1', 'must be positive integers separated by commas'],
    ['an empty element', 'ids=1,,2', 'must be positive integers separated by commas'],
    ['a trailing comma', 'ids=1,2,', 'must be positive integers separated by commas'],
    ['spaces', 'ids=1,%202', 'must be positive integers separated by commas'],
    ['another separator', 'ids=1;2', 'must be positive integers separated by commas'],
    ['a NUL byte', 'ids=1%00', 'must be positive integers separated by commas'],
    ['an id of 11 digits', 'ids=12345678901', 'must be positive integers separated by commas'],
    ['zero', 'ids=0', 'must be integers from 1 to 2147483647'],
    ['an id beyond the largest', 'ids=1,2147483648', 'must be integers from 1 to 2147483647'],
    ['101 ids', `ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`, 'must list at most 100 ids'],
    ['a very long list', `ids=${'1,'.repeat(3000)}1`, 'must list at most 100 ids'],
  ])('when ids is %s, then 400 validation_failed with details', async (_case, query, message) => {
    const res = await list(query);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Validation failed', code: 'validation_failed', details: { ids: [message] } });
  });

  it('when ids is given twice, then 400 naming it', async () => {
    const res = await list(`ids=${ids[0]}&ids=${ids[1]}`);

    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ ids: ['must be given once'] });
  });

  it('when ids comes with a bad limit, then 400 naming the limit', async () => {
    const res = await list(`ids=${ids[0]}&limit=0`);

    expect(res.status).toBe(400);
    expect(Object.keys(res.body.details)).toEqual(['limit']);
  });
});
