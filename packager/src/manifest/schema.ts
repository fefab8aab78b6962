// A validator for the subset of JSON Schema (draft 2020-12) that manifests/unipack.schema.json
// uses. It reports every problem at once, each with the path of the value, what was found, what
// is allowed and a fix (did-you-mean for unknown fields), which is what the manifest loader
// turns into file:line:column messages.
//
// Written here rather than taken from ajv: ajv's errors name schema keywords ("must NOT have
// additional properties"), report a oneOf as one error per branch, and know nothing of
// suggestions, so we would rewrite every message anyway; our schema uses a dozen keywords, and
// SUPPORTED_KEYWORDS plus a test keep the validator and the schema in step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

export type JsonPath = Array<string | number>;

export interface SchemaProblem {
  path: JsonPath;
  /** The problem is the key at `path` itself (an unknown field), not its value. */
  atKey?: boolean;
  kind: 'unknown-field' | 'type' | 'enum' | 'pattern' | 'range' | 'length' | 'required' | 'conflict';
  message: string;
  found?: string;
  allowed?: string;
  fix?: string;
}

export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  not?: Schema;
  description?: string;
  default?: unknown;
  $defs?: Record<string, Schema>;
  [k: string]: unknown;
};

/** Keywords the validator implements or deliberately ignores (annotations). */
export const SUPPORTED_KEYWORDS = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description', 'default', 'examples',
  'type', 'properties', 'additionalProperties', 'propertyNames', 'required', 'enum', 'const',
  'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'items', 'minItems', 'oneOf', 'anyOf', 'not',
]);

let cached: Schema | undefined;

/** manifests/unipack.schema.json, parsed once. */
export function manifestSchema(): Schema {
  cached ??= JSON.parse(readFileSync(join(packageRoot(), 'manifests', 'unipack.schema.json'), 'utf8')) as Schema;
  return cached;
}

/** Levenshtein distance, for did-you-mean. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** A short rendering of a value for messages. */
export function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** "a string", "an integer or a string" — from a schema, for "allowed". */
export function describe(s: Schema, root: Schema): string {
  const r = deref(s, root);
  if (r.enum) return `one of ${r.enum.map(show).join(', ')}`;
  if (r.const !== undefined) return show(r.const);
  const alts = r.oneOf ?? r.anyOf;
  if (alts) return alts.map((a) => describe(a, root)).join(', or ');
  const types = r.type === undefined ? [] : Array.isArray(r.type) ? r.type : [r.type];
  const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  let text = types.length ? types.map((t) => (t === 'array' && r.items ? `a list of ${plural(describe(r.items, root))}` : article(t === 'object' ? 'mapping' : t))).join(' or ') : 'a value';
  const bits: string[] = [];
  if (r.minimum !== undefined && r.maximum !== undefined) bits.push(`${r.minimum}..${r.maximum}`);
  else if (r.minimum !== undefined) bits.push(`>= ${r.minimum}`);
  if (r.pattern && r.description) bits.push(r.description);
  if (bits.length) text += ` (${bits.join(', ')})`;
  return text;
}

function plural(s: string): string {
  return s.replace(/^an? (\w+)/, (_, w: string) => `${w}s`);
}

function deref(s: Schema, root: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.$ref !== undefined && i < 10; i++) {
    const m = /^#\/\$defs\/(.+)$/.exec(cur.$ref);
    const target = m ? root.$defs?.[m[1]!] : undefined;
    if (!target) throw new Error(`unsupported $ref ${cur.$ref}`);
    cur = { ...target, ...Object.fromEntries(Object.entries(cur).filter(([k]) => k !== '$ref')) };
  }
  return cur;
}

export function pathText(path: JsonPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out || '(top level)';
}

/** Validates `value` against `schema`; returns every problem found (empty when valid). */
export function validate(value: unknown, schema: Schema = manifestSchema(), root: Schema = schema): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  check(value, schema, root, [], out);
  return out;
}

function check(v: unknown, s0: Schema, root: Schema, path: JsonPath, out: SchemaProblem[]): void {
  const s = deref(s0, root);
  const alts = s.oneOf ?? s.anyOf;
  if (alts) {
    // Report against the branch whose type fits (a string port that does not match the pattern
    // gets the pattern's message); when no branch's type fits, one type error for them all.
    const fitting = alts.filter((a) => {
      const t = deref(a, root).type;
      return t === undefined || (Array.isArray(t) ? t : [t]).some((x) => typeMatches(v, x));
    });
    const results = fitting.map((a) => validate(v, a, root));
    const ok = results.filter((r) => r.length === 0).length;
    if (fitting.length === 0) {
      out.push({ path, kind: 'type', message: `expected ${describe(s, root)}`, found: show(v), allowed: describe(s, root) });
    } else if (s.oneOf ? ok !== 1 : ok === 0) {
      // Name every accepted form in `allowed`, not just the branch that was tried.
      if (ok === 0) for (const p of results[0]!) out.push({ ...p, path: [...path, ...p.path], ...(p.path.length === 0 ? { allowed: describe(s, root) } : {}) });
      else out.push({ path, kind: 'type', message: 'matches more than one form', found: show(v), allowed: describe(s, root) });
    }
    if (fitting.length === 0 || ok === 0) return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeMatches(v, t))) {
      const allowed = describe(s, root);
      const fix = types.includes('array') && !Array.isArray(v) ? `write it as a list: [${show(v)}]` : undefined;
      out.push({ path, kind: 'type', message: `expected ${allowed}, found ${typeOf(v) === 'object' ? 'a mapping' : `${typeOf(v)} ${show(v)}`}`, found: show(v), allowed, ...(fix ? { fix } : {}) });
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => e === v)) {
    const near = typeof v === 'string' ? didYouMean(v, s.enum.filter((e): e is string => typeof e === 'string')) : undefined;
    out.push({
      path,
      kind: 'enum',
      message: `${show(v)} is not allowed`,
      found: show(v),
      allowed: `one of ${s.enum.map(show).join(', ')}`,
      ...(near ? { fix: `did you mean "${near}"?` } : {}),
    });
  }
  if (s.const !== undefined && s.const !== v) out.push({ path, kind: 'enum', message: `must be ${show(s.const)}`, found: show(v), allowed: show(s.const) });
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) out.push({ path, kind: 'length', message: v.length === 0 ? 'must not be empty' : `must be at least ${s.minLength} characters`, found: show(v), allowed: describe(s, root) });
    if (s.maxLength !== undefined && v.length > s.maxLength) out.push({ path, kind: 'length', message: `must be at most ${s.maxLength} characters`, found: show(v), allowed: describe(s, root) });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) {
      out.push({ path, kind: 'pattern', message: `${show(v)} is not in the expected form`, found: show(v), allowed: s.description ?? `text matching /${s.pattern}/` });
    }
  }
  if (typeof v === 'number') {
    if ((s.minimum !== undefined && v < s.minimum) || (s.maximum !== undefined && v > s.maximum)) {
      const range = s.maximum === undefined ? `>= ${s.minimum}` : s.minimum === undefined ? `<= ${s.maximum}` : `${s.minimum}..${s.maximum}`;
      out.push({ path, kind: 'range', message: `${v} is out of range`, found: String(v), allowed: range });
    }
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) out.push({ path, kind: 'length', message: `needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`, found: show(v), allowed: describe(s, root) });
    if (s.items) v.forEach((item, i) => check(item, s.items!, root, [...path, i], out));
  }
  if (typeOf(v) === 'object') {
    const obj = v as Record<string, unknown>;
    for (const req of s.required ?? []) {
      if (!(req in obj)) out.push({ path, kind: 'required', message: `missing field "${req}"`, allowed: `a mapping with "${req}"`, fix: `add ${req}: …` });
    }
    for (const [k, val] of Object.entries(obj)) {
      const sub = s.properties?.[k];
      if (sub) {
        check(val, sub, root, [...path, k], out);
        continue;
      }
      if (s.propertyNames?.pattern !== undefined && !new RegExp(s.propertyNames.pattern, 'u').test(k)) {
        out.push({ path: [...path, k], atKey: true, kind: 'pattern', message: `${show(k)} is not a valid name`, found: show(k), allowed: `a name matching /${s.propertyNames.pattern}/` });
        continue;
      }
      if (s.additionalProperties === false) {
        const known = Object.keys(s.properties ?? {}).filter((n) => n !== '$schema');
        const near = didYouMean(k, known);
        out.push({
          path: [...path, k],
          atKey: true,
          kind: 'unknown-field',
          message: `unknown field "${k}"`,
          found: show(k),
          allowed: known.join(', '),
          fix: near ? `did you mean "${near}"?` : `remove it, or use one of: ${known.join(', ')}`,
        });
      } else if (typeof s.additionalProperties === 'object') {
        check(val, s.additionalProperties, root, [...path, k], out);
      }
    }
    if (s.not?.required && s.not.required.every((r) => r in obj)) {
      const keys = s.not.required;
      out.push({
        path: [...path, keys[keys.length - 1]!],
        atKey: true,
        kind: 'conflict',
        message: `${keys.map((k) => `"${k}"`).join(' and ')} cannot be used together`,
        allowed: s.not.description ?? `at most one of ${keys.join(', ')}`,
        fix: `keep one of ${keys.join(', ')}`,
      });
    }
  }
}

/** Every keyword used anywhere in a schema (for the test that keeps validator and schema in step). */
export function keywordsOf(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) for (const x of s) keywordsOf(x, out);
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      out.add(k);
      if (k === 'properties' || k === '$defs') for (const sub of Object.values(v as object)) keywordsOf(sub, out);
      else if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples' && k !== 'required') keywordsOf(v, out);
    }
  }
  return out;
}
