// argv, env and exit status.
console.log(JSON.stringify(process.argv.slice(2)));
console.log(process.argv.length, process.argv0 === 'node' || process.argv0.endsWith('/node'));
console.log(JSON.stringify({ FOO: process.env.FOO, EMPTY: process.env.EMPTY, NODE_ENV: process.env.NODE_ENV, MISSING: process.env.MISSING ?? null }));
console.log(process.execPath.endsWith('/bin/node'), process.platform, process.arch, typeof process.pid, process.version.startsWith('v'));
console.log(process.getuid(), process.getgid(), process.geteuid(), process.getegid());
process.exit(Number(process.argv[2] ?? 0));
