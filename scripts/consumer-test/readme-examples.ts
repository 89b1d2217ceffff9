/**
 * The README's TypeScript examples that the consumer test synthesizes verbatim.
 *
 * Convention (CONTRIBUTING.md): every ```ts / ```typescript block of the README is a complete CDK app,
 * unless the line right above its opening fence (blank lines aside) is `<!-- consumer-test: fragment -->`.
 * A fragment is a piece that needs surrounding code (a `stack`, a `role`) and is not synthesized.
 */

/** The HTML comment that marks the next code block as a fragment, not a complete app. */
export const FRAGMENT_MARKER = '<!-- consumer-test: fragment -->';

/** One complete-app example of the README. */
export interface ReadmeExample {
  /** The heading of the section the example sits in. */
  readonly section: string;
  /** The 1-based line of its opening fence. */
  readonly line: number;
  /** The code between the fences, verbatim. */
  readonly code: string;
}

/** What `readmeExamples` found: the apps to synthesize and the fragments it skipped (by line). */
export interface ReadmeExamples {
  readonly apps: ReadmeExample[];
  readonly fragments: ReadmeExample[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript']);

/**
 * Splits the TypeScript code blocks of `markdown` into complete apps and marked fragments.
 * @throws Error when a code fence is never closed
 */
export function readmeExamples(markdown: string): ReadmeExamples {
  const lines = markdown.split(/\r?\n/);
  const apps: ReadmeExample[] = [];
  const fragments: ReadmeExample[] = [];
  let section = '';
  let lastText = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = FENCE.exec(line);
    if (!open) {
      if (/^#{1,6}\s/.test(line)) section = line.replace(/^#+\s*/, '').trim();
      if (line.trim() !== '') lastText = line.trim();
      continue;
    }
    const fence = open[2];
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence) && l.trim().replace(/[`~]/g, '') === '');
    if (end < 0) throw new Error(`README line ${i + 1}: the code block opened here is never closed`);
    if (TYPESCRIPT.has(open[3].toLowerCase())) {
      const example = { section, line: i + 1, code: lines.slice(i + 1, end).join('\n') + '\n' };
      (lastText === FRAGMENT_MARKER ? fragments : apps).push(example);
    }
    lastText = '';
    i = end;
  }
  return { apps, fragments };
}

/** A file name for an example: `readme-<line>-<section slug>.ts`. */
export function exampleFileName(example: ReadmeExample): string {
  const slug = example.section.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `readme-${example.line}${slug ? `-${slug}` : ''}.ts`;
}
