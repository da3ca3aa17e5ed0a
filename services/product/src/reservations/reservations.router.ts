import { parseUuidParam, reservationBody, reservationJson, reservationVoidBody } from '@order-system/contracts';
import { type AnyRouteSpec, invalidBody, type PathParam, route } from '@order-system/platform';
import { AT, ORDER_ID } from '../examples.js';
import { type ReservationsService, toReservationJson } from './reservations.service.js';

/** Ids and quantities are integers: written as floats (2.0) they are refused, not rounded. */
const INTEGER_FIELDS = ['product_id', 'quantity'];

const reservation = {
  reservation_id: ORDER_ID,
  status: 'ACTIVE',
  items: [{ product_id: 1, quantity: 2, unit_price: '49.90', name: 'Keyboard' }],
  created_at: AT,
  released_at: null,
};
const reservationId: PathParam<string | null> = {
  description: 'The reservation id: the id of the order it holds stock for',
  schema: { type: 'string', format: 'uuid' },
  example: ORDER_ID,
  parse: parseUuidParam,
};

export function reservationsRoutes(reservations: ReservationsService): AnyRouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/products/reservations/',
      operationId: 'reserveStock',
      summary: 'Reserve stock for several products, all or nothing; idempotent on reservation_id',
      description:
        'All items are reserved in one transaction or none are; stock never goes below zero. The unit prices are ' +
        'those at reservation time. Repeating a reservation_id answers the first result (200) and reserves nothing more.',
      access: { roles: ['service', 'admin'] },
      body: {
        schema: reservationBody,
        example: { reservation_id: ORDER_ID, items: [{ product_id: 1, quantity: 2 }] },
        integerFields: INTEGER_FIELDS,
      },
      responses: {
        200: { description: 'the earlier result for this reservation_id', schema: reservationJson, example: reservation },
        201: { description: 'reserved', schema: reservationJson, example: reservation },
        400: invalidBody({ reservation_id: ['must be a UUID'] }),
        404: {
          description: 'a product is unknown (`product_id` says which); nothing is reserved',
          schema: 'Error',
          example: { error: 'Product 9 not found', code: 'product_not_found', product_id: 9 },
        },
        409: {
          description:
            'out_of_stock: a product has not enough stock (`product_id` says which); reservation_voided: the ' +
            'reservation_id was voided. Nothing is reserved',
          schema: 'Error',
          examples: {
            out_of_stock: {
              summary: 'not enough stock',
              value: { error: 'Product 3 is out of stock', code: 'out_of_stock', product_id: 3 },
            },
            reservation_voided: {
              summary: 'the id was voided',
              value: {
                error: `Reservation ${ORDER_ID} was voided; nothing was reserved`,
                code: 'reservation_voided',
                reservation_id: ORDER_ID,
              },
            },
          },
        },
      },
      handler: async ({ body, ctx }, _req, res) => {
        const { created, reservation } = await reservations.reserve(body, ctx);
        res.status(created ? 201 : 200).json(toReservationJson(reservation));
      },
    }),
    route({
      method: 'delete',
      path: '/api/products/reservations/{reservation_id}/',
      operationId: 'releaseReservation',
      summary: 'Release a reservation: its stock goes back once; a repeat changes nothing',
      access: { roles: ['service', 'admin'] },
      params: { reservation_id: reservationId },
      responses: {
        200: {
          description: 'released (now or earlier); VOIDED (no items) for a voided id: nothing to put back',
          schema: reservationJson,
          example: { ...reservation, status: 'RELEASED', released_at: AT },
        },
        404: {
          description: 'no such reservation (it is then remembered as released, so a late reservation takes no stock)',
          schema: 'Error',
          example: { error: 'Reservation not found', code: 'reservation_not_found' },
        },
      },
      handler: async ({ params, ctx }, _req, res) => {
        res.json(toReservationJson(await reservations.release(params.reservation_id, ctx)));
      },
    }),
    route({
      method: 'post',
      path: '/api/products/reservations/{reservation_id}/void/',
      operationId: 'voidReservation',
      summary: 'Void a reservation id so that nothing can be reserved under it any more',
      description:
        'Unknown id: a VOIDED tombstone is stored (no items); a later reservation under the id gets 409 ' +
        'reservation_voided and takes nothing. ACTIVE: released (its stock goes back once), as by DELETE. RELEASED: ' +
        'the same answer. VOIDED: the same answer again.',
      access: { roles: ['service', 'admin'] },
      params: { reservation_id: reservationId },
      body: {
        schema: reservationVoidBody,
        description: 'Optional: nothing, `{}` or `{"reason": "..."}` (the reason is logged)',
        example: { reason: 'Reservation answer timed out; order cancelled' },
      },
      responses: {
        200: {
          description: 'voided, or released (now or earlier): no stock is held under this id, and none can be',
          schema: reservationJson,
          examples: {
            voided: { summary: 'the id held nothing', value: { ...reservation, status: 'VOIDED', items: [] } },
            released: { summary: 'the id held a reservation', value: { ...reservation, status: 'RELEASED', released_at: AT } },
          },
        },
        400: invalidBody({ reason: ['must be a string'] }),
        404: {
          description: 'Reservation not found (only for a reservation_id that is not a UUID)',
          schema: 'Error',
          example: { error: 'Reservation not found', code: 'reservation_not_found' },
        },
      },
      handler: async ({ params, body, ctx }, _req, res) => {
        res.json(toReservationJson(await reservations.void(params.reservation_id, body?.reason, ctx)));
      },
    }),
  ];
}
