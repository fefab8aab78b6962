// hono on @hono/node-server: routing, middleware, JSON, streaming text, validator-free params.
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { streamText } from 'hono/streaming';
const app = new Hono();
app.use('*', async (c, next) => { await next(); c.header('x-powered', 'hono'); });
app.get('/', (c) => c.text('root'));
app.get('/json/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') }));
app.post('/echo', async (c) => c.json(await c.req.json(), 201));
app.get('/stream', (c) => streamText(c, async (s) => { for (let i = 0; i < 3; i++) await s.write(`chunk${i};`); }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, async (info) => {
  const base = `http://127.0.0.1:${info.port}`;
  for (const [m, p, b] of [['GET', '/'], ['GET', '/json/7?q=z'], ['POST', '/echo', '{"k":1}'], ['GET', '/stream'], ['GET', '/missing']]) {
    const r = await fetch(base + p, { method: m, body: b, headers: b ? { 'content-type': 'application/json' } : {} });
    console.log(m, p, r.status, r.headers.get('x-powered'), await r.text());
  }
  server.close(() => console.log('closed'));
});
