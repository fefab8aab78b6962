// The host side of the guest-as-client tests, run inside the test's network namespace:
// an HTTP server (/peer answers a line, /big streams 10 MiB of the shared pattern) and a small
// DNS server (UDP, A records) that answers every name under `unipack.test` with this host's
// address and NXDOMAIN for `missing.*`. Usage: node host-peer.mjs <address> <http-port>
// Prints "PEER READY" once both listen; stops on SIGTERM.
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { BLOCK, block } = require('./apps/net-server/pattern.js');
const [address, httpPort] = [process.argv[2], Number(process.argv[3])];
export const BIG = 10 * 1024 * 1024;

const http = createServer((req, res) => {
  if (req.url === '/peer') return res.end('hello from the host\n');
  if (req.url === '/big') {
    res.writeHead(200, { 'content-length': BIG });
    let i = 0;
    const pump = () => {
      while (i * BLOCK < BIG) if (!res.write(block(i++))) return res.once('drain', pump);
      res.end();
    };
    return pump();
  }
  res.writeHead(404).end();
});

/** The question's name and where the question section ends. */
function question(msg) {
  const labels = [];
  let o = 12;
  while (msg[o] !== 0) {
    labels.push(msg.subarray(o + 1, o + 1 + msg[o]).toString('ascii'));
    o += 1 + msg[o];
  }
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(o + 1), end: o + 5 };
}

const dns = createSocket('udp4');
dns.on('message', (msg, from) => {
  if (msg.length < 17) return;
  const q = question(msg);
  const known = q.name.endsWith('unipack.test') && !q.name.startsWith('missing.');
  const answer = known && q.qtype === 1;
  const head = Buffer.alloc(12);
  msg.copy(head, 0, 0, 2);                                  // id
  head.writeUInt16BE(0x8180 | (known ? 0 : 3), 2);          // response, RD+RA, NOERROR/NXDOMAIN
  head.writeUInt16BE(1, 4);                                 // one question
  head.writeUInt16BE(answer ? 1 : 0, 6);
  const parts = [head, msg.subarray(12, q.end)];
  if (answer) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0);                            // the name: a pointer to the question
    rr.writeUInt16BE(1, 2);                                 // A
    rr.writeUInt16BE(1, 4);                                 // IN
    rr.writeUInt32BE(60, 6);                                // TTL
    rr.writeUInt16BE(4, 10);
    address.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
    parts.push(rr);
  }
  dns.send(Buffer.concat(parts), from.port, from.address);
});

let up = 0;
const ready = () => { if (++up === 2) console.log('PEER READY'); };
http.listen(httpPort, address, ready);
dns.bind(53, address, ready);
process.on('SIGTERM', () => { dns.close(); http.close(); process.exit(0); });
