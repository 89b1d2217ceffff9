import { Token } from 'aws-cdk-lib';

/** The first item that occurs twice in `items` (compared by `keyOf`), or `undefined` when all differ. */
export function firstDuplicate<T>(items: readonly T[], keyOf: (item: T) => unknown = item => item): T | undefined {
  const seen = new Set<unknown>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) { return item; }
    seen.add(key);
  }
  return undefined;
}

/**
 * One address, as SNS e-mail subscriptions take it: `local@domain.tld`, no spaces, no list, no display
 * name. A token is left to deploy time.
 *
 * @throws naming `what` and saying what to pass, when `value` cannot be an e-mail address
 */
export function requireEmailAddress(value: string, what: string): void {
  if (Token.isUnresolved(value)) { return; }
  if (!/^[^\s@,;<>]+@[^\s@,;<>.]+(\.[^\s@,;<>.]+)+$/.test(value)) {
    throw new Error(`${what} '${value}' is not an e-mail address: pass one address such as 'oncall@example.com' `
      + '(SNS subscribes exactly one address per subscription; for a list, use a distribution-list address).');
  }
}
