// Answers every request with "hello\n" on 0.0.0.0:$PORT (default 8080), prints READY once
// listening, and on SIGTERM closes the server and exits 0 (what `unipack run` will deliver).
import { createServer } from 'node:http';

const port = Number.parseInt(process.env.PORT ?? '8080', 10);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello\n');
});

server.listen(port, '0.0.0.0', () => {
  console.log('READY');
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
