// Prints a greeting and what the process was started with, then exits with the status given
// as the first argument, or $HELLO_STATUS, or 0. Used as the demo and as an end-to-end fixture.
const args = process.argv.slice(2);
console.log('hello from unipack');
console.log(
  JSON.stringify({
    argv: args,
    cwd: process.cwd(),
    env: { HELLO_STATUS: process.env.HELLO_STATUS ?? null, NODE_ENV: process.env.NODE_ENV ?? null },
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  }),
);
const status = Number.parseInt(args[0] ?? process.env.HELLO_STATUS ?? '0', 10);
process.exitCode = Number.isNaN(status) ? 0 : status;
