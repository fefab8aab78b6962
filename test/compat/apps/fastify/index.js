// fastify: schema validation, hooks, plugins, inject() and a real HTTP request.
const Fastify = require('fastify');
const app = Fastify({ logger: false });
app.addHook('onRequest', async (req) => { req.seen = true; });
app.register(async (scope) => {
  scope.get('/hello/:name', async (req) => ({ hello: req.params.name, seen: req.seen }));
}, { prefix: '/v1' });
app.post('/sum', { schema: { body: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'number' }, b: { type: 'number' } } } } },
  async (req) => ({ sum: req.body.a + req.body.b }));
(async () => {
  const inj = await app.inject({ method: 'GET', url: '/v1/hello/world' });
  console.log('inject', inj.statusCode, inj.body);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  let r = await fetch(`${base}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":2,"b":40}' });
  console.log('sum', r.status, await r.text());
  r = await fetch(`${base}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":2}' });
  console.log('invalid', r.status, JSON.parse(await r.text()).message);
  await app.close();
  console.log('closed');
})();
