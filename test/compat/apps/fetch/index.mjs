// Node's built-in fetch (its bundled undici): GET/POST, redirects, AbortController, streams.
import http from 'node:http';
const server = http.createServer((req, res) => {
  if (req.url === '/redirect') { res.writeHead(302, { location: '/final' }); res.end(); return; }
  if (req.url === '/slow') { setTimeout(() => res.end('late'), 2000); return; }
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ url: req.url, method: req.method, body })); });
});
server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  console.log(await (await fetch(`${base}/get`)).json());
  console.log(await (await fetch(`${base}/post`, { method: 'POST', body: new URLSearchParams({ a: '1', b: 'two' }) })).json());
  const r = await fetch(`${base}/redirect`);
  console.log('redirected', r.redirected, new URL(r.url).pathname, (await r.json()).url);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  try { await fetch(`${base}/slow`, { signal: ac.signal }); } catch (e) { console.log('aborted', e.name); }
  const s = await fetch(`${base}/stream`, { method: 'POST', body: new Blob(['abc', 'def']) });
  console.log((await s.json()).body);
  server.closeAllConnections();
  server.close(() => console.log('closed'));
});
