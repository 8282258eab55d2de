import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';

const requireFromHere = createRequire(__filename);
const fileOf = (pkg: string, path: string) => join(dirname(requireFromHere.resolve(`${pkg}/package.json`)), path);

/** GraphiQL and React from npm packages, so the page works on a machine with no internet. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: fileOf('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: fileOf('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: fileOf('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: fileOf('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · account security</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script src="/graphiql/start.js"></script>
</body>
</html>`;

/** Adds the session token from the "Headers" tab; the fetcher sends JSON so CSRF prevention is satisfied. */
const START_SCRIPT = `
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: false }),
);`;

export function graphiqlRouter(): Router {
  const router = Router();
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    if (!req.accepts('html') || req.accepts(['json', 'html']) === 'json') return next();
    res.type('html').send(PAGE);
  });
  router.get('/graphiql/start.js', (_req, res) => {
    res.type('text/javascript').send(START_SCRIPT);
  });
  router.get('/graphiql/:asset', (req, res, next) => {
    const asset = ASSETS[req.params.asset as string];
    if (!asset) return next();
    res.type(asset.type).sendFile(asset.file, { maxAge: '1d' });
  });
  return router;
}
