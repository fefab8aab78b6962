// socket.io with socket.io-client: handshake (polling then websocket upgrade), events, acks,
// rooms and broadcast, namespaces, disconnect.
const { createServer } = require('http');
const { Server } = require('socket.io');
const { io: connect } = require('socket.io-client');
const httpServer = createServer();
const io = new Server(httpServer);
io.on('connection', (s) => {
  s.join('room1');
  s.on('add', (a, b, ack) => ack(a + b));
  s.on('shout', (msg) => io.to('room1').emit('heard', msg.toUpperCase()));
});
io.of('/admin').on('connection', (s) => s.emit('welcome', 'admin'));
httpServer.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${httpServer.address().port}`;
  const c = connect(url, { transports: ['polling', 'websocket'] });
  c.on('connect', async () => {
    const sum = await c.emitWithAck('add', 2, 3);
    console.log('ack', sum);
    c.emit('shout', 'hi there');
  });
  // The upgrade races with the first events (timing-dependent order): reported at the end.
  let upgraded = 'no upgrade';
  c.io.engine.on('upgrade', (t) => { upgraded = `upgraded to ${t.name}`; });
  c.on('heard', (m) => {
    console.log('heard', m);
    const admin = connect(`${url}/admin`, { transports: ['websocket'] });
    admin.on('welcome', (w) => {
      console.log('welcome', w);
      console.log(upgraded);
      admin.close();
      c.close();
      io.close(() => console.log('closed'));
    });
  });
});
