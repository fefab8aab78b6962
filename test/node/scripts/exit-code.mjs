// process.exit(n) from inside a callback ends the app at once with that status, even with
// timers and immediates still pending; 'exit' listeners run first, 'beforeExit' never does.
process.on('beforeExit', () => console.log('beforeExit (never)'));
process.on('exit', (code) => console.log('exit listener, code', code));
setTimeout(() => console.log('timer (never)'), 5000);
setImmediate(() => {
  console.log('immediate ran');
  process.exitCode = 3;
  setImmediate(() => console.log('second immediate (never)'));
  process.exit(42);
});
console.log('main done');
