// pino: synchronous logging to stdout, child loggers, serializers, redaction, then a
// transport (pino/file in a worker thread via thread-stream: SharedArrayBuffer + Atomics.wait).
const pino = require('pino');
const opts = { base: undefined, timestamp: false, redact: ['secret'] };
const log = pino(opts);
log.info('plain');
log.child({ req: 7 }).warn({ secret: 'hunter2', n: 1 }, 'child %s', 'ok');
const e = new Error('bad thing'); e.stack = 'Error: bad thing (stack elided)'; log.error(e, 'with error');
log.debug('hidden at info level');
const transport = pino.transport({ target: 'pino/file', options: { destination: 1 } });
const tlog = pino(opts, transport);
for (let i = 0; i < 5; i++) tlog.info({ i }, 'via worker');
transport.on('close', () => console.log('transport closed'));
setTimeout(() => transport.end(), 200);
