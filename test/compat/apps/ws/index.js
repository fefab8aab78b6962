// ws: server and client in one process, text and binary frames, ping/pong, close codes.
const { WebSocketServer, WebSocket } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
  const ws = new WebSocket(`ws://127.0.0.1:${wss.address().port}/path?x=1`);
  const got = [];
  ws.on('open', () => { ws.send('hello'); ws.send(Buffer.from([1, 2, 3, 250])); ws.ping('p'); });
  ws.on('pong', (d) => got.push(`pong ${d}`));
  ws.on('message', (d, isBinary) => {
    got.push(isBinary ? `bin ${[...d].join(',')}` : `text ${d}`);
    if (got.filter((g) => !g.startsWith('pong')).length === 3) ws.close(4000, 'done');
  });
  ws.on('close', (code, reason) => {
    console.log(got.sort().join('\n'));
    console.log('close', code, String(reason));
    wss.close(() => console.log('server closed'));
  });
});
wss.on('connection', (sock, req) => {
  console.log('connection', req.url);
  sock.on('message', (d, isBinary) => {
    if (isBinary) sock.send(Buffer.from([...d].reverse()));
    else { sock.send(`echo:${d}`); sock.send(String(d).toUpperCase()); }
  });
});
