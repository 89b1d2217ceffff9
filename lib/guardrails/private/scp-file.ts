/**
 * Service control policy files as the SCP checker reads them: parsed JSON with the file's name, and a
 * JSON syntax error reported at its line and column.
 */
import * as fs from 'fs';

/** One SCP file, parsed. */
export interface ScpFile {
  /** How the file is named in results (its path). */
  readonly name: string;
  /** The parsed policy document. */
  readonly policy: unknown;
}

/**
 * Parses the text of an SCP file.
 *
 * @throws naming the file and the position of the JSON error
 */
export function parseScpFile(name: string, text: string): ScpFile {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const reported = /position (\d+)/.exec(message);
    const position = reported ? Number(reported[1]) : jsonErrorPosition(text);
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, position)}`;
    throw new Error(`SCP file '${name}' is not valid JSON${where}: ${message}`);
  }
  if (typeof policy !== 'object' || policy === null || !('Statement' in policy)) {
    throw new Error(`SCP file '${name}' is not a policy document: expected a JSON object with a "Statement".`);
  }
  return { name, policy };
}

/**
 * Reads and parses an SCP file.
 *
 * @throws naming the file, when it cannot be read or is not valid JSON
 */
export function readScpFile(filePath: string): ScpFile {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf-8');
  } catch (e) {
    throw new Error(`Cannot read SCP file '${filePath}': ${(e as Error).message}`);
  }
  return parseScpFile(filePath, text);
}

/** The statements of a policy document (a single statement object counts as one). */
export function statementsOf(policy: unknown): unknown[] {
  const statement = (policy as { Statement?: unknown }).Statement;
  return statement === undefined ? [] : [statement].flat();
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column} (position ${position})`;
}

/**
 * The offset of the first syntax error in `text` (Node 20's `JSON.parse` does not always report it),
 * or undefined when none is found.
 */
function jsonErrorPosition(text: string): number | undefined {
  let i = 0;
  const fail = (): never => { throw i; };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) { i++; } };
  const literal = (word: string) => { if (text.startsWith(word, i)) { i += word.length; } else { fail(); } };
  const string = () => {
    if (text[i] !== '"') { fail(); }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') { i++; } else if (text.charCodeAt(i) < 0x20) { fail(); }
      i++;
    }
    if (i >= text.length) { fail(); }
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++; space();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        space(); string(); space();
        if (text[i] !== ':') { fail(); }
        i++; value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; space();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) { fail(); }
      i += match![0].length;
    }
  };
  try {
    value(); space();
    return i < text.length ? i : undefined;
  } catch (position) {
    return typeof position === 'number' ? position : undefined;
  }
}
