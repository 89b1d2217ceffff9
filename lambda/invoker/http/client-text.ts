/**
 * How client input appears inside the invoker's error messages: quoted client text is capped, and
 * values are described by their JSON type (never echoed, so a sensitive field cannot leak into a log).
 */

/** The longest quoted client text an error message carries. */
const MAX_QUOTED_CHARS = 80;

/** Caps `text` at {@link MAX_QUOTED_CHARS} characters, marking a cut with `...`. */
export function truncate(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS - 3)}...` : text;
}

/** Names the JSON type of a parsed value for an error message: `a string`, `an array`, `null`, `nothing`. */
export function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value === undefined) {
    return 'nothing';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return 'a number out of range';
  }
  return typeof value === 'object' ? 'a JSON object' : `a ${typeof value}`;
}
