// .gitignore-style globs over '/'-separated paths relative to the app directory:
//   `*.log`        no '/' (but a trailing one): matches the name at any depth;
//   `/build`, `a/b` a '/' at the start or in the middle: anchored at the app directory;
//   `dist/`        a trailing '/': directories only (and so everything below them);
//   `**`           any number of path segments; `*` and `?` never cross a '/'; `[a-z]`, `{a,b}`.
// A pattern that matches a directory matches every path below it, as in .gitignore.
// `!pattern` in a list re-includes what an earlier pattern excluded.

export interface CompiledGlob {
  source: string;
  negate: boolean;
  dirOnly: boolean;
  re: RegExp;
}

export function compileGlob(pattern: string): CompiledGlob {
  let p = pattern.trim();
  const negate = p.startsWith('!');
  if (negate) p = p.slice(1);
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '').replace(/^\.\//, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        // `**/` any leading directories, `/**` everything below, a lone `**` anything.
        const atSegStart = i === 0 || p[i - 1] === '/';
        const atSegEnd = i + 2 === p.length || p[i + 2] === '/';
        if (atSegStart && atSegEnd) {
          if (p[i + 2] === '/') {
            re += '(?:.*/)?';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = p.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${p
          .slice(i + 1, end)
          .split(',')
          .map((alt) => alt.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return { source: pattern, negate, dirOnly, re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`) };
}

export class GlobList {
  private readonly globs: CompiledGlob[];
  constructor(patterns: readonly string[]) {
    this.globs = patterns.filter((p) => p.trim() && !p.trim().startsWith('#')).map(compileGlob);
  }

  get empty(): boolean {
    return this.globs.length === 0;
  }

  /**
   * Whether the list matches `rel` (a file, or a directory when isDir): the last pattern that
   * matches the path or one of its parent directories decides, as in .gitignore.
   */
  matches(rel: string, isDir = false): boolean {
    const parts = rel.split('/');
    let result = false;
    for (const g of this.globs) {
      for (let n = 1; n <= parts.length; n++) {
        const sub = parts.slice(0, n).join('/');
        const subIsDir = n < parts.length || isDir;
        if (g.dirOnly && !subIsDir) continue;
        if (g.re.test(sub)) {
          result = !g.negate;
          break;
        }
      }
    }
    return result;
  }
}
