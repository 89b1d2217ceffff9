/**
 * Tags that tie the calls the fake Bedrock recorded back to the client request that caused them: each
 * request's prompt carries `bench-request-<run>-<n>`, which the invoker forwards verbatim to every region
 * it calls. Pure.
 */

const TAG = /bench-request-[a-z0-9-]+?-\d+/;

/** The tag of request `index` of run `run` (lower-case letters, digits and dashes). */
export function requestTag(run: string, index: number): string {
  return `bench-request-${run}-${index}`;
}

/** A Converse body whose one user message is `tag`. */
export function taggedConverseBody(tag: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: [{ text: tag }] }] });
}

/** A model-native (Anthropic messages) InvokeModel body whose one user message is `tag`. */
export function taggedInvokeBody(tag: string): string {
  return JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: tag }] }] });
}

/** The tag inside a recorded request body, if any. */
export function tagOf(body: Uint8Array | string): string | undefined {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return TAG.exec(text)?.[0];
}

/**
 * Upstream calls per tag: the recorded calls grouped by the tag in their bodies, in arrival order.
 * Calls without a tag are grouped under `untagged`.
 */
export function callsByTag<C extends { readonly body: Uint8Array | string }>(calls: readonly C[]): Map<string, C[]> {
  const grouped = new Map<string, C[]>();
  for (const call of calls) {
    const tag = tagOf(call.body) ?? 'untagged';
    let list = grouped.get(tag);
    if (list === undefined) {
      list = [];
      grouped.set(tag, list);
    }
    list.push(call);
  }
  return grouped;
}

/**
 * How many requests made how many upstream calls: `{ '1': 18, '2': 2 }` for the requests `tags` (a
 * request with no recorded call counts under `'0'`).
 */
export function callsPerRequest(tags: readonly string[], grouped: ReadonlyMap<string, readonly unknown[]>): Record<string, number> {
  const histogram: Record<string, number> = {};
  for (const tag of tags) {
    const key = String(grouped.get(tag)?.length ?? 0);
    histogram[key] = (histogram[key] ?? 0) + 1;
  }
  return histogram;
}

/** `1 call x18, 2 calls x2` for a {@link callsPerRequest} histogram. */
export function describeCallsPerRequest(histogram: Readonly<Record<string, number>>): string {
  return Object.keys(histogram).sort((a, b) => Number(a) - Number(b))
    .map((calls) => `${calls} call${calls === '1' ? '' : 's'} x${histogram[calls]}`).join(', ') || 'no requests';
}
