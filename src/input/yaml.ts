/**
 * Reads YAML or JSON input with line numbers kept, so every validation error can say file:line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { inputError } from '../output/errors.js';

export interface ParsedDocument {
  value: unknown;
  file: string;
  /** 1-based line of the node at a path (keys and array indexes), or undefined */
  lineOf(path: Array<string | number>): number | undefined;
}

export function parseYamlDocument(text: string, file: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    // linePos is only filled with prettyErrors; fall back to the error's offset
    const position = problem.linePos?.[0] ?? (problem.pos ? lineCounter.linePos(problem.pos[0]) : undefined);
    const line = position?.line;
    const column = position?.col;
    const firstLine = problem.message.split('\n')[0] ?? problem.message;
    throw inputError({ file, line, column }, `malformed YAML/JSON: ${firstLine}`, 'valid YAML or JSON', 'INPUT_MALFORMED');
  }
  const lineOf = (path: Array<string | number>): number | undefined => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let keyLine: number | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
        if (!pair) return keyLine;
        const keyNode = pair.key as Node;
        if (keyNode.range) keyLine = lineCounter.linePos(keyNode.range[0]).line;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key] as Node | null;
        if (node?.range) keyLine = lineCounter.linePos(node.range[0]).line;
      } else {
        return keyLine;
      }
    }
    return keyLine;
  };
  return { value: doc.toJS({ maxAliasCount: 100 }), file, lineOf };
}

/** Reads and parses an input file; missing, unreadable, empty or malformed files are exit-2 errors. */
export function readInputFile(file: string): ParsedDocument {
  if (!existsSync(file)) throw inputError({ file }, 'file not found', 'the path of an existing YAML or JSON file', 'INPUT_NOT_FOUND');
  if (statSync(file).isDirectory()) throw inputError({ file }, 'is a directory', 'the path of a YAML or JSON file', 'INPUT_NOT_FOUND');
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw inputError({ file }, 'the file is empty', 'a YAML or JSON document', 'INPUT_EMPTY');
  const doc = parseYamlDocument(text, file);
  if (doc.value === null || doc.value === undefined) throw inputError({ file }, 'the file holds no document', 'a YAML or JSON document', 'INPUT_EMPTY');
  return doc;
}
