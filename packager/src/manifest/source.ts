// A parsed YAML or JSON file that remembers where every value came from, so a problem at a
// field path can be reported as file:line:column. package.json goes through the same parser
// (JSON is YAML), which gives inferred values positions too.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { JsonPath } from './schema.js';

export interface Position {
  line: number;
  column: number;
}

export interface SourceFile {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
  /** The plain value (undefined for an empty file). */
  value: unknown;
  /** Syntax errors, positioned. */
  errors: Array<{ message: string; pos: Position }>;
}

export function parseSource(file: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const errors = doc.errors.map((e) => {
    const p = lines.linePos(e.pos[0]);
    // The first line of yaml's message is the message; the rest is a code excerpt we redo.
    return { message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), pos: { line: p.line, column: p.col } };
  });
  return { file, text, doc, lines, value: errors.length ? undefined : (doc.toJS() as unknown), errors };
}

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' ? k : undefined;
}

/**
 * Where the value at `path` starts (or its key, with atKey). A path that does not exist in the
 * file (a missing field) resolves to its nearest existing parent.
 */
export function locate(src: SourceFile, path: JsonPath, atKey = false): Position | undefined {
  let node: unknown = src.doc.contents;
  let pos = rangeStart(src, node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) return pos;
      if (last && atKey) return rangeStart(src, pair.key) ?? pos;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return pos;
    } else {
      return pos;
    }
    pos = rangeStart(src, node) ?? pos;
  }
  return pos;
}

function rangeStart(src: SourceFile, node: unknown): Position | undefined {
  const range = (node as Node | undefined)?.range;
  if (!range) return undefined;
  const p = src.lines.linePos(range[0]);
  return { line: p.line, column: p.col };
}
