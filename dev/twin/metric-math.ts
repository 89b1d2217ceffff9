/**
 * The metric-math subset CloudWatch alarms of the twin use: numbers, metric ids, `+ - * / ^`, unary minus,
 * parentheses, comparisons, `AND`/`&&`, `OR`/`||`, `FILL(x, value)` and `IF(condition, a[, b])`, evaluated at
 * one timestamp (one alarm period) at a time. Rules from the CloudWatch User Guide, "Metric math syntax and
 * functions" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
 * [ARITHMETIC] "Missing values in a time series are treated as 0. If the value of a data point causes a
 *   function to attempt to divide by zero, the data point is dropped." A series has no datapoint where it is
 *   missing, so against a scalar the result is missing there; between two series a missing value counts as 0
 *   while the other has a value.
 * [COMPARISON] Comparison (`== != <= >= < >`) and logical (`AND` or `&&`, `OR` or `||`) operators return 1 or
 *   0; "when comparison operators are used between two time series, and only one of the time series has a
 *   value for a particular time stamp, the function treats the missing value in the other time series as 0".
 * [FILL] "Fills the missing values of a time series" with a scalar or another series (REPEAT and LINEAR need
 *   the series' history, which a per-timestamp evaluation does not have: they are rejected).
 * [IF] `IF(condition, trueValue, falseValue)`: 0 is false, any other value true. For a series condition: no
 *   datapoint where the condition has none; "the value of 0, if the corresponding data point of metric1 is TRUE
 *   and the corresponding data point does not exist in metric2"; dropped where the condition is false and the
 *   false value has no datapoint or is omitted. A scalar condition selects one series as it is.
 * [RESULT] "All functions must be written in uppercase letters", ids start with a lowercase letter, and "the
 *   final result of any math expression must be a single time series".
 * The docs list the operators without their precedence; the parser uses the usual one (lowest first): OR, AND,
 * comparisons, `+ -`, `* /`, unary minus, `^` (right-associative).
 */

/** An expression the twin cannot parse or does not support; the deployment reader marks such alarms unsupported. */
export class MetricMathError extends Error {
  public constructor(expression: string, problem: string) {
    super(`Metric math '${expression}': ${problem}`);
    this.name = 'MetricMathError';
  }
}

type BinaryOperator = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

/** A node of the expression; `series` is true when it reads a metric (a time series), false for a scalar. */
type Node = { readonly series: boolean } & (
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'id'; readonly name: string }
  | { readonly type: 'negate'; readonly operand: Node }
  | { readonly type: 'binary'; readonly operator: BinaryOperator; readonly left: Node; readonly right: Node }
  | { readonly type: 'fill'; readonly operand: Node; readonly filler: Node }
  | { readonly type: 'if'; readonly condition: Node; readonly then: Node; readonly otherwise?: Node }
);

/** A parsed expression, evaluated one timestamp at a time. */
export class MetricMathExpression {
  /** Parses `expression`; throws a {@link MetricMathError} that says what is wrong or unsupported. */
  public static parse(expression: string): MetricMathExpression {
    const parser = new Parser(expression);
    const root = parser.parse();
    if (!root.series) {
      throw new MetricMathError(expression, 'it reads no metric, so it yields a scalar; an alarm needs a time series ([RESULT]).');
    }
    return new MetricMathExpression(expression, parser.ids, root);
  }

  /** @param source the expression as written; @param ids the metric ids it reads, in order of first use. */
  private constructor(public readonly source: string, public readonly ids: readonly string[], private readonly root: Node) {}

  /**
   * The value at one timestamp, given each metric id's datapoint there (undefined: missing); undefined when
   * the result has no datapoint at that timestamp.
   */
  public valueAt(valueOf: (id: string) => number | undefined): number | undefined {
    return evaluate(this.root, valueOf);
  }
}

function evaluate(node: Node, valueOf: (id: string) => number | undefined): number | undefined {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'id':
      return valueOf(node.name);
    case 'negate': {
      const value = evaluate(node.operand, valueOf);
      return value === undefined ? undefined : -value;
    }
    case 'binary': {
      const left = evaluate(node.left, valueOf);
      const right = evaluate(node.right, valueOf);
      if (left !== undefined && right !== undefined) {
        return apply(node.operator, left, right);
      }
      // [ARITHMETIC] [COMPARISON]: only between two series, and only while one of them has a value.
      const oneSeriesMissing = node.left.series && node.right.series && (left !== undefined || right !== undefined);
      return oneSeriesMissing ? apply(node.operator, left ?? 0, right ?? 0) : undefined;
    }
    case 'fill':
      return evaluate(node.operand, valueOf) ?? evaluate(node.filler, valueOf);
    case 'if': {
      const condition = evaluate(node.condition, valueOf);
      if (condition === undefined) {
        return undefined;
      }
      if (condition === 0) {
        return node.otherwise === undefined ? undefined : evaluate(node.otherwise, valueOf);
      }
      const value = evaluate(node.then, valueOf);
      return value === undefined && node.condition.series && node.then.series ? 0 : value;
    }
  }
}

/** One operation on two values; a division by zero or a result that is not a finite number is dropped. */
function apply(operator: BinaryOperator, left: number, right: number): number | undefined {
  const result = ((): number => {
    switch (operator) {
      case '+': return left + right;
      case '-': return left - right;
      case '*': return left * right;
      case '/': return right === 0 ? NaN : left / right;
      case '^': return left ** right;
      case '==': return Number(left === right);
      case '!=': return Number(left !== right);
      case '<': return Number(left < right);
      case '<=': return Number(left <= right);
      case '>': return Number(left > right);
      case '>=': return Number(left >= right);
      case 'AND': return Number(left !== 0 && right !== 0);
      case 'OR': return Number(left !== 0 || right !== 0);
    }
  })();
  return Number.isFinite(result) ? result : undefined;
}

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'name'; readonly text: string; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/^()<>,]))/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length && expression.slice(TOKEN.lastIndex).trim() !== '') {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) {
      const rest = expression.slice(at).trimStart();
      throw new MetricMathError(expression, `unexpected '${rest[0]}' at character ${expression.length - rest.length + 1} `
        + '(the twin supports numbers, metric ids, + - * / ^, comparisons, AND/OR, FILL and IF).');
    }
    const start = at + match[0].length - (match[1] ?? match[2] ?? match[3]).length;
    if (match[1] !== undefined) {
      tokens.push({ kind: 'number', value: Number(match[1]), at: start });
    } else if (match[2] !== undefined) {
      tokens.push({ kind: 'name', text: match[2], at: start });
    } else {
      tokens.push({ kind: 'symbol', text: match[3], at: start });
    }
  }
  tokens.push({ kind: 'end', at: expression.length });
  return tokens;
}

/** The binary operators of each precedence level, lowest first (`^` is handled apart: right-associative). */
const LEVELS: ReadonlyArray<ReadonlyMap<string, BinaryOperator>> = [
  new Map([['OR', 'OR'], ['||', 'OR']]),
  new Map([['AND', 'AND'], ['&&', 'AND']]),
  new Map([['==', '=='], ['!=', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']]),
  new Map([['+', '+'], ['-', '-']]),
  new Map([['*', '*'], ['/', '/']]),
];

/** A recursive-descent parser over the tokens of one expression. */
class Parser {
  public readonly ids: string[] = [];
  private readonly tokens: Token[];
  private position = 0;

  public constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  public parse(): Node {
    const root = this.binary(0);
    const next = this.peek();
    if (next.kind !== 'end') {
      this.fail(next, 'expected an operator or the end of the expression');
    }
    return root;
  }

  private binary(level: number): Node {
    if (level === LEVELS.length) {
      return this.unary();
    }
    let left = this.binary(level + 1);
    for (let operator = this.operatorAt(level); operator !== undefined; operator = this.operatorAt(level)) {
      this.position++;
      const right = this.binary(level + 1);
      left = { type: 'binary', operator, left, right, series: left.series || right.series };
    }
    return left;
  }

  private operatorAt(level: number): BinaryOperator | undefined {
    const token = this.peek();
    return token.kind === 'name' || token.kind === 'symbol' ? LEVELS[level].get(token.text) : undefined;
  }

  private unary(): Node {
    if (this.isSymbol('-')) {
      this.position++;
      const operand = this.unary();
      return { type: 'negate', operand, series: operand.series };
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isSymbol('^')) {
      return base;
    }
    this.position++;
    const exponent = this.unary();
    return { type: 'binary', operator: '^', left: base, right: exponent, series: base.series || exponent.series };
  }

  private primary(): Node {
    const token = this.tokens[this.position++];
    if (token.kind === 'number') {
      return { type: 'number', value: token.value, series: false };
    }
    if (token.kind === 'symbol' && token.text === '(') {
      const inner = this.binary(0);
      this.expect(')');
      return inner;
    }
    if (token.kind === 'name' && this.isSymbol('(')) {
      this.position++;
      return this.call(token);
    }
    if (token.kind === 'name' && /^[a-z]/.test(token.text)) {
      if (!this.ids.includes(token.text)) {
        this.ids.push(token.text);
      }
      return { type: 'id', name: token.text, series: true };
    }
    if (token.kind === 'name' && (token.text === 'REPEAT' || token.text === 'LINEAR')) {
      return this.fail(token, `FILL with ${token.text} needs the series' history, which the twin does not keep (fill with a value)`);
    }
    return this.fail(token, token.kind === 'name'
      ? `'${token.text}' is neither a metric id (ids start with a lowercase letter) nor a function call`
      : 'expected a number, a metric id, a function or \'(\'');
  }

  /** A function call; its name and '(' are consumed. */
  private call(name: Extract<Token, { kind: 'name' }>): Node {
    const args: Node[] = this.isSymbol(')') ? [] : [this.binary(0)];
    while (this.isSymbol(',')) {
      this.position++;
      args.push(this.binary(0));
    }
    this.expect(')');
    if (name.text === 'FILL' && args.length === 2 && args[0].series) {
      return { type: 'fill', operand: args[0], filler: args[1], series: true };
    }
    if (name.text === 'IF' && (args.length === 2 || args.length === 3)) {
      const [condition, then, otherwise] = args;
      return { type: 'if', condition, then, otherwise, series: args.some(arg => arg.series) };
    }
    const usage = name.text === 'FILL' ? 'FILL(series, value)' : name.text === 'IF' ? 'IF(condition, a[, b])' : undefined;
    return this.fail(name, usage
      ? `${name.text} takes the form ${usage}`
      : `the function ${name.text} is not supported by the twin (only FILL and IF are, in uppercase)`);
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === text;
  }

  private expect(text: string): void {
    if (!this.isSymbol(text)) {
      this.fail(this.peek(), `expected '${text}'`);
    }
    this.position++;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private fail(token: Token, problem: string): never {
    const found = token.kind === 'end' ? 'the end' : token.kind === 'number' ? `${token.value}` : `'${token.text}'`;
    throw new MetricMathError(this.expression, `${problem}; found ${found} at character ${token.at + 1}.`);
  }
}
