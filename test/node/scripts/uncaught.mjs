// An uncaught exception: Node prints the stack and ends with status 1; output written before
// it is not lost, and 'uncaughtExceptionMonitor' still runs.
process.on('uncaughtExceptionMonitor', (err, origin) => console.log('monitor saw', err.message, origin));
console.log('before the throw');
setTimeout(() => {
  const e = new TypeError('something went wrong');
  e.code = 'E_DEMO';
  throw e;
}, 5);
