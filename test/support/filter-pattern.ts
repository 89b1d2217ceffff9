/**
 * A small evaluator of the subset of CloudWatch Logs JSON filter-pattern syntax this library generates:
 *
 *   { <expr> }            expr := term (('&&' | '||') term)*   (one operator kind per level, as AWS
 *                                                               patterns built by aws-cdk-lib parenthesise)
 *   term := '(' expr ')' | $.path ('=' | '!=') "string"
 *
 * String values are literals in double quotes where `*` is a wildcard (so `= "*"` means "exists with a
 * string value"). A selector whose field is missing (or not a string) matches neither `=` nor `!=`,
 * the CloudWatch behaviour for fields a JSON event does not have. Anything else throws, so a pattern
 * that drifts outside the subset fails its test rather than being misread.
 */
export function matchesFilterPattern(pattern: string, event: unknown): boolean {
  const trimmed = pattern.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new Error(`Not a JSON filter pattern: ${pattern}`);
  }
  const parser = new Parser(trimmed.slice(1, -1));
  const node = parser.expression();
  parser.end();
  return evaluate(node, event);
}

type Node =
  | { readonly kind: 'and' | 'or'; readonly terms: Node[] }
  | { readonly kind: 'compare'; readonly path: string[]; readonly op: '=' | '!='; readonly value: string };

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  public expression(): Node {
    const terms = [this.term()];
    let op: '&&' | '||' | undefined;
    for (;;) {
      this.skipSpace();
      const next = this.text.startsWith('&&', this.pos) ? '&&' : this.text.startsWith('||', this.pos) ? '||' : undefined;
      if (!next) {
        break;
      }
      if (op && op !== next) {
        throw new Error(`Mixed && and || without parentheses at ${this.pos}: ${this.text}`);
      }
      op = next;
      this.pos += 2;
      terms.push(this.term());
    }
    return terms.length === 1 ? terms[0] : { kind: op === '&&' ? 'and' : 'or', terms };
  }

  public end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) {
      throw new Error(`Unexpected '${this.text.slice(this.pos)}' in filter pattern`);
    }
  }

  private term(): Node {
    this.skipSpace();
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.expression();
      this.skipSpace();
      this.expect(')');
      return inner;
    }
    const selector = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/.exec(this.text.slice(this.pos));
    if (!selector) {
      throw new Error(`Expected a $.selector at ${this.pos}: '${this.text.slice(this.pos)}'`);
    }
    this.pos += selector[0].length;
    this.skipSpace();
    let op: '=' | '!=';
    if (this.text.startsWith('!=', this.pos)) {
      op = '!=';
      this.pos += 2;
    } else if (this.text[this.pos] === '=') {
      op = '=';
      this.pos += 1;
    } else {
      throw new Error(`Unsupported operator at ${this.pos}: '${this.text.slice(this.pos)}'`);
    }
    this.skipSpace();
    return { kind: 'compare', path: selector[1].slice(1).split('.'), op, value: this.string() };
  }

  private string(): string {
    this.expect('"');
    let value = '';
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') {
        this.pos++;
      }
      value += this.text[this.pos++];
    }
    this.expect('"');
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      throw new Error(`Expected '${char}' at ${this.pos}: '${this.text.slice(this.pos)}'`);
    }
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) {
      this.pos++;
    }
  }
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.kind) {
    case 'and': return node.terms.every(t => evaluate(t, event));
    case 'or': return node.terms.some(t => evaluate(t, event));
    case 'compare': {
      let value: unknown = event;
      for (const key of node.path) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      }
      if (typeof value !== 'string') {
        return false;
      }
      const matches = wildcard(node.value).test(value);
      return node.op === '=' ? matches : !matches;
    }
  }
}

function wildcard(value: string): RegExp {
  return new RegExp(`^${value.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
