import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Router } from 'express';

/** Swagger UI's files, served from node_modules: the docs work without internet access. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

/**
 * The page at /docs. No inline script or style, so it works under a Content-Security-Policy of
 * `script-src 'self'`: the initializer is its own file.
 */
export function docsPage(service: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${service} service API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;
}

/**
 * Renders /openapi.json with Try it out and the bearer scheme's Authorize button. The server the
 * page came from is put first in `servers`, so requests go back to it whatever port it runs on
 * (the document itself names the `npm start` ports).
 */
const DOCS_INITIALIZER = `"use strict";
fetch("/openapi.json")
  .then(function (res) { return res.json(); })
  .then(function (spec) {
    var here = { url: window.location.origin, description: "this server" };
    spec.servers = [here].concat((spec.servers || []).filter(function (s) { return s.url !== here.url; }));
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      displayRequestDuration: true,
      showExtensions: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
`;

/** What /docs/ holds besides the page: its initializer and Swagger UI's own files. Nothing else. */
export function docsAssets(): Router {
  const router = express.Router();
  router.get('/swagger-initializer.js', (_req, res) => {
    res.type('text/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(DOCS_INITIALIZER);
  });
  router.use((req, _res, next) => next(ASSETS.has(req.path.slice(1)) ? undefined : 'router'));
  router.use(express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1h' }));
  return router;
}
