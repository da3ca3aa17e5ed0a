import { parseUuidParam, reservationBody, reservationVoidBody } from '@order-system/contracts';
import { assertIntegerLiterals, defineRoute, parseOrThrow, requireRole } from '@order-system/platform';
import { Router } from 'express';
import { type ReservationsService, toReservationJson } from './reservations.service.js';

/** Ids and quantities are integers: written as floats (2.0) they are refused, not rounded. */
const INTEGER_FIELDS = new Set(['product_id', 'quantity']);

export function reservationsRouter(reservations: ReservationsService): Router {
  const router = Router();
  const trusted = requireRole('service', 'admin');

  defineRoute(router, '/api/products/reservations', {
    post: [
      trusted,
      async (req, res) => {
        assertIntegerLiterals(req, INTEGER_FIELDS);
        const { created, reservation } = await reservations.reserve(parseOrThrow(reservationBody, req.body), req.log);
        res.status(created ? 201 : 200).json(toReservationJson(reservation));
      },
    ],
  });

  defineRoute(router, '/api/products/reservations/:reservationId', {
    delete: [
      trusted,
      async (req, res) => {
        const reservation = await reservations.release(parseUuidParam(req.params.reservationId), req.log);
        res.json(toReservationJson(reservation));
      },
    ],
  });

  defineRoute(router, '/api/products/reservations/:reservationId/void', {
    post: [
      trusted,
      async (req, res) => {
        const body = parseOrThrow(reservationVoidBody, req.body);
        res.json(toReservationJson(await reservations.void(parseUuidParam(req.params.reservationId), body?.reason, req.log)));
      },
    ],
  });
  return router;
}
