// Node over the unikernel stack: os.networkInterfaces().lo, an HTTP server and
// client on 127.0.0.1 (GET and 100/200 kB POST bodies), UDP to self, a 5 MiB TCP
// echo and ECONNREFUSED. Output matches the host except the IPv6 ::1 entry
// (no IPv6 yet: socket(AF_INET6) gives EAFNOSUPPORT).
const os = require('os');
const net = require('net');
const http = require('http');
const dgram = require('dgram');
const ifs = os.networkInterfaces();
console.log(JSON.stringify(ifs.lo));
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => body += d);
  req.on('end', () => { res.setHeader('content-type', 'text/plain'); res.end('hello ' + req.method + ' ' + req.url + ' ' + body.length + '\n'); });
});
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  console.log('listening', port > 0);
  for (let i = 0; i < 3; i++) {
    const r = await fetchText(port, '/x' + i, 'a'.repeat(100000 * i));
    process.stdout.write(r);
  }
  server.close(() => {
    const s = dgram.createSocket('udp4');
    s.on('message', (m, rinfo) => { console.log('udp', m.toString(), rinfo.address); s.close(); tcpEcho(); });
    s.bind(0, '127.0.0.1', () => s.send('ping', s.address().port, '127.0.0.1'));
  });
});
function fetchText(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET' }, (res) => {
      let d = ''; res.setEncoding('utf8'); res.on('data', (c) => d += c); res.on('end', () => resolve(res.statusCode + ' ' + d));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
function tcpEcho() {
  const srv = net.createServer((c) => c.pipe(c));
  srv.listen(0, () => {
    const c = net.connect(srv.address().port, '127.0.0.1');
    const big = Buffer.alloc(5 << 20, 7);
    let got = 0;
    c.on('data', (d) => { got += d.length; if (got === big.length) { console.log('echo', got); c.end(); srv.close(); } });
    c.write(big);
  });
  net.connect(1, '127.0.0.1').on('error', (e) => console.log('refused', e.code));
}
