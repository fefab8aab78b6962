// commander: subcommands, options, variadic args, help output, errors with exitOverride.
const { Command } = require('commander');
function make() {
  const program = new Command('tool').version('1.2.3').exitOverride().configureOutput({ writeOut: (s) => process.stdout.write(`[out] ${s}`), writeErr: (s) => process.stdout.write(`[err] ${s}`) });
  program.command('serve').option('-p, --port <n>', 'port', (v) => parseInt(v, 10), 3000).option('--verbose').argument('[dirs...]')
    .action((dirs, opts) => console.log('serve', JSON.stringify({ dirs, opts })));
  program.command('greet <name>').option('-l, --loud').action((name, o) => console.log(o.loud ? `HELLO ${name.toUpperCase()}` : `hello ${name}`));
  return program;
}
for (const argv of [['serve', '-p', '8080', 'a', 'b'], ['greet', 'x', '--loud'], ['--version'], ['greet'], ['serve', '--help'], ['nope']]) {
  try { make().parse(argv, { from: 'user' }); } catch (e) { console.log('exit', e.code, e.exitCode); }
}
console.log('argv', process.argv.length);
