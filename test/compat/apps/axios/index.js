// axios (http adapter): instances, interceptors, JSON, errors with status, timeouts.
const http = require('http');
const axios = require('axios');
const server = http.createServer((req, res) => {
  if (req.url === '/missing') { res.statusCode = 404; res.end('{"error":"nope"}'); return; }
  if (req.url === '/hang') return; // never answers
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ url: req.url, method: req.method, body, auth: req.headers.authorization ?? null })); });
});
server.listen(0, '127.0.0.1', async () => {
  const api = axios.create({ baseURL: `http://127.0.0.1:${server.address().port}`, timeout: 500 });
  api.interceptors.request.use((c) => { c.headers.Authorization = 'Bearer t0k'; return c; });
  console.log((await api.get('/items', { params: { page: 2 } })).data);
  console.log((await api.post('/items', { name: 'x' })).data);
  try { await api.get('/missing'); } catch (e) { console.log('error', e.response.status, e.response.data); }
  try { await api.get('/hang'); } catch (e) { console.log('timeout', e.code); }
  server.closeAllConnections();
  server.close(() => console.log('closed'));
});
