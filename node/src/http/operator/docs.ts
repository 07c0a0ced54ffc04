// GET /openapi.json, /openapi.yaml and /docs: the API as served (schemas/generated/, made by
// `npm run gen` from schemas/openapi.yaml) and a reference page, Swagger UI from its npm package.
// Nothing is loaded from another origin: the page holds under `default-src 'self'`, with inline
// styles (Swagger UI sets style attributes) allowed on /docs only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';
import { schemasDir } from '../../schema/registry.js';

const DOCS_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Entente node API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', validatorUrl: null, deepLinking: true });\n`;

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export function apiDocsRoutes(): Router {
  const dir = join(schemasDir(), 'generated');
  const json = readFileSync(join(dir, 'openapi.json'), 'utf8');
  const yaml = readFileSync(join(dir, 'openapi.yaml'), 'utf8');
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  r.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(yaml);
  });
  r.use('/docs', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  r.get('/docs', (_req, res) => {
    res.type('text/html').send(PAGE);
  });
  r.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT);
  });
  r.use('/docs/assets', express.static(swaggerUiDir(), { index: false, fallthrough: false }));
  return r;
}
