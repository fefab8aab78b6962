// express: routing, JSON body parsing, params, middleware order, error handler, 404.
const express = require('express');
const app = express();
const order = [];
app.use((req, res, next) => { order.push(`mw ${req.method} ${req.path}`); next(); });
app.use(express.json());
app.get('/users/:id', (req, res) => res.json({ id: Number(req.params.id), q: req.query.q ?? null }));
app.post('/echo', (req, res) => res.status(201).json({ got: req.body }));
app.get('/boom', () => { throw new Error('boom'); });
app.use((err, req, res, next) => res.status(500).json({ error: err.message }));
const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const [method, path, body] of [['GET', '/users/42?q=x'], ['POST', '/echo', { a: [1, 2] }], ['GET', '/boom'], ['GET', '/nope']]) {
    const r = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    console.log(method, path, r.status, r.headers.get('content-type'), (await r.text()).slice(0, 60));
  }
  console.log(order.join(' | '));
  server.close(() => console.log('closed'));
});
