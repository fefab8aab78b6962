// Answers every request with "hello\n" on 0.0.0.0:$PORT (default 8080), prints READY once
// listening, and on SIGTERM or SIGINT (what `unipack run` delivers for a stop or Ctrl-C) closes
// the server and exits 0.
import { createServer } from 'node:http';

const port = Number.parseInt(process.env.PORT ?? '8080', 10);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello\n');
});

server.listen(port, '0.0.0.0', () => {
  console.log('READY');
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
