// The guest side of the networking tests (test/net/): an HTTP server (/ answers hello,
// POST /upload answers the body's length and sha256, GET /download?bytes=N streams N bytes of
// pattern.js, GET /snmp answers /proc/net/snmp), TCP echo on 7001, UDP echo on 7002, a WebSocket echo (the ws package) on the
// HTTP port. With PEER_NAME set it first acts as a client of the host: resolves the name with
// glibc (dns.lookup) and c-ares (dns.resolve4) through the DNS server in /etc/resolv.conf,
// fetches from the host's HTTP server and checks a download's hash, then prints one CLIENT line.
const http = require('node:http');
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');
const crypto = require('node:crypto');
const { WebSocketServer } = require('ws');
const { BLOCK, block } = require('./pattern.js');

async function asClient(name, port) {
  const out = {};
  out.lookup = (await dns.promises.lookup(name, { family: 4 })).address;
  out.resolve4 = await dns.promises.resolve4(name);
  out.nxdomain = await dns.promises.lookup(`missing.${name}`).then(() => 'resolved', (e) => e.code);
  const r = await fetch(`http://${name}:${port}/peer`);
  out.peer = `${r.status} ${(await r.text()).trim()}`;
  const big = await fetch(`http://${name}:${port}/big`);
  const h = crypto.createHash('sha256');
  let n = 0;
  for await (const chunk of big.body) { h.update(chunk); n += chunk.length; }
  out.big = { bytes: n, sha256: h.digest('hex') };
  out.refused = await new Promise((res) => {
    const s = net.connect(1, out.lookup);
    s.on('connect', () => { s.destroy(); res('connected'); });
    s.on('error', (e) => res(e.code));
  });
  return out;
}

function serve(port) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/upload') {
      const h = crypto.createHash('sha256');
      let bytes = 0;
      req.on('data', (d) => { h.update(d); bytes += d.length; });
      req.on('end', () => res.end(JSON.stringify({ bytes, sha256: h.digest('hex') })));
      return;
    }
    if (url.pathname === '/snmp') return res.end(require('node:fs').readFileSync('/proc/net/snmp'));
    if (url.pathname === '/download') {
      const total = Number(url.searchParams.get('bytes'));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
      let i = 0;
      let left = total;
      const pump = () => {
        while (left > 0) {
          const len = Math.min(BLOCK, left);
          left -= len;
          if (!res.write(block(i++, len))) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello\n');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (d, binary) => ws.send(binary ? Buffer.from([...d].reverse()) : `echo:${d}`)));
  const tcp = net.createServer((c) => c.pipe(c));
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, r) => udp.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
  let up = 0;
  const ready = () => { if (++up === 3) console.log('READY'); };
  // Node's 5-minute requestTimeout would answer 408 in the middle of a 100 MB upload over the
  // lossy 200 ms path (~40 KB/s, 40 minutes): the transfer, not the request, is under test.
  server.requestTimeout = 0;
  server.listen(port, '0.0.0.0', ready);
  tcp.listen(7001, '0.0.0.0', ready);
  udp.bind(7002, '0.0.0.0', ready);
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      udp.close();
      tcp.close();
      wss.close();
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
  }
}

(async () => {
  if (process.env.PEER_NAME) {
    const client = await asClient(process.env.PEER_NAME, Number(process.env.PEER_PORT ?? 9000)).catch((e) => ({ error: `${e.code ?? ''} ${e.message}` }));
    console.log(`CLIENT ${JSON.stringify(client)}`);
  }
  serve(Number(process.env.PORT ?? 8080));
})();
