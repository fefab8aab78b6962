// The bulk-transfer benchmark's server: PUT/POST /sink reads the body and answers with the byte
// count; GET /source?bytes=N sends N bytes from one reused 64 KiB buffer. No hashing or copying
// in JavaScript, so the figure is the network path (stack, driver, device), not V8.
'use strict';
const http = require('node:http');

const chunk = Buffer.alloc(64 * 1024, 0x5a);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/sink') {
    let bytes = 0;
    req.on('data', (b) => { bytes += b.length; });
    req.on('end', () => res.end(`${bytes}\n`));
    return;
  }
  if (url.pathname === '/source') {
    let left = Number(url.searchParams.get('bytes') ?? 0);
    res.writeHead(200, { 'content-length': String(left), 'content-type': 'application/octet-stream' });
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  res.end('ok\n');
});

server.listen(Number(process.env.PORT ?? 8080), () => console.log('READY'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
