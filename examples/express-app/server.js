// A real express@5 app: GET / (text), GET /api (JSON), GET /api/echo/:word (route params),
// static files from public/. Listens on 0.0.0.0:$PORT (default 8080), prints READY once
// listening, and on SIGTERM closes the server and exits 0.
//
// SELFTEST=1: listens on 127.0.0.1:0 instead, fetches its own routes, prints what it got and
// exits (the end-to-end test: no host port needed).
import express from 'express';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const app = express();
app.disable('x-powered-by');
app.use(express.static(join(here, 'public')));

app.get('/', (_req, res) => {
  res.type('text/plain').send('hello from express\n');
});
app.get('/api', (_req, res) => {
  res.json({ ok: true, name: 'express-app', routes: ['/', '/api', '/api/echo/:word', '/hello.txt'] });
});
app.get('/api/echo/:word', (req, res) => {
  res.json({ word: req.params.word, length: req.params.word.length });
});

const selftest = process.env.SELFTEST === '1';
const port = selftest ? 0 : Number.parseInt(process.env.PORT ?? '8080', 10);
const host = selftest ? '127.0.0.1' : '0.0.0.0';

const server = app.listen(port, host, async (err) => {
  if (err) throw err;
  if (!selftest) {
    console.log('READY');
    return;
  }
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const path of ['/', '/api', '/api/echo/unikernel', '/hello.txt', '/missing']) {
    const r = await fetch(base + path);
    const body = r.ok ? (await r.text()).trimEnd() : `(${(await r.text()).length} bytes)`;
    console.log(`${path} ${r.status} ${r.headers.get('content-type')} ${body}`);
  }
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
