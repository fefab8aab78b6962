// Makes piscina's shipped tests (node_modules/piscina/test, TypeScript for `tap --ts`) runnable
// without a compiler at run time: tap would load them through ts-node in the main thread and in
// every worker (the fixtures are .ts worker scripts), and under TCG each worker would compile
// TypeScript before its first task. Each .ts file is transpiled here, once, with the same
// options ts-node would use (CommonJS, esModuleInterop), into ./piscina-test/ (x.ts → x.ts.js,
// so the hand-written x.js fixtures beside them stay as they are); references to 'x.ts' files
// become 'x.ts.js', and imports of the package itself ('..', '../dist/...') point into
// node_modules/piscina. Nothing else in the tests changes. Run by the own-suites runner before
// both sides.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ts = createRequire(import.meta.url)('typescript');
const pkg = join(here, 'node_modules', 'piscina');
const src = join(pkg, 'test');
const out = join(here, 'piscina-test');

/** '..' from test/x.ts is the package; point such specifiers at node_modules/piscina. */
function rewrite(code, fromDir, toDir) {
  code = code.replace(/(require\(|from |import\()(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g, (m, head, q, spec) => {
    const target = resolve(fromDir, spec);
    if (target.startsWith(src + '/') || target === src) return m;   // stays inside the tests
    if (!target.startsWith(pkg)) return m;
    let rel = relative(toDir, target);
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${head}${q}${rel}${q}`;
  });
  return code.replace(/(['"`])([^'"`\n]*?)\.ts\1/g, (m, q, p) => `${q}${p}.ts.js${q}`);
}

rmSync(out, { recursive: true, force: true });
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const from = join(dir, name);
    const to = join(out, relative(src, from));
    if (statSync(from).isDirectory()) { walk(from); continue; }
    mkdirSync(dirname(to), { recursive: true });
    if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), {
        fileName: from,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019, esModuleInterop: true, resolveJsonModule: true },
      });
      writeFileSync(`${to}.js`, rewrite(outputText, dirname(from), dirname(to)));
    } else if (/\.(c|m)?js$/.test(name)) {
      writeFileSync(to, rewrite(readFileSync(from, 'utf8'), dirname(from), dirname(to)));
    } else {
      cpSync(from, to);
    }
  }
})(src);
console.error(`piscina: tests transpiled into ${relative(process.cwd(), out) || '.'}`);
