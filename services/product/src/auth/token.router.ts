import { refreshBody, tokenBody } from '@order-system/contracts';
import { defineRoute, parseOrThrow } from '@order-system/platform';
import { Router } from 'express';
import type { TokenIssuer } from './token.service.js';

export function tokenRouter(issuer: TokenIssuer): Router {
  const router = Router();
  defineRoute(router, '/api/token', {
    post: (req, res) => {
      const { username, password } = parseOrThrow(tokenBody, req.body);
      res.json(issuer.login(username, password));
    },
  });
  defineRoute(router, '/api/token/refresh', {
    post: (req, res) => {
      res.json(issuer.refresh(parseOrThrow(refreshBody, req.body).refresh));
    },
  });
  return router;
}
