// undici: request(), fetch(), a Pool with keep-alive, streaming body, against a local server.
import http from 'node:http';
import { request, fetch, Pool } from 'undici';
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (req.url === '/big') { res.end('x'.repeat(200000)); return; }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body, conn: req.headers.connection ?? null }));
  });
});
server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const r1 = await request(`${base}/a?b=1`, { method: 'POST', body: 'payload' });
  console.log('request', r1.statusCode, await r1.body.text());
  const r2 = await fetch(`${base}/f`, { method: 'PUT', body: JSON.stringify({ x: 1 }) });
  console.log('fetch', r2.status, await r2.text());
  const pool = new Pool(base, { connections: 2 });
  const texts = await Promise.all([1, 2, 3, 4].map(async (i) => (await (await pool.request({ path: `/p${i}`, method: 'GET' })).body.json()).url));
  console.log('pool', texts.join(','));
  const big = await pool.request({ path: '/big', method: 'GET' });
  let n = 0;
  for await (const chunk of big.body) n += chunk.length;
  console.log('streamed', n);
  await pool.close();
  server.close(() => console.log('closed'));
});
