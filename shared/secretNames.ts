/**
 * The one naming rule for secret names and field names, so every secret can be written as
 * `{{secrets.NAME.FIELD}}`: a letter or underscore, then letters, digits, `_` or `-`, at most 128.
 */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const NAME_MAX_LENGTH = 128;
export const NAME_RULE_TEXT = 'a letter or _ followed by letters, digits, _ or -, at most 128 characters';

/** Returns why `name` breaks the naming rule, or undefined when it is valid. */
export function nameProblem(name: string, what: 'secret name' | 'field name' = 'secret name'): string | undefined {
  if (name.length === 0) return `The ${what} is empty: use ${NAME_RULE_TEXT}.`;
  if (name.length > NAME_MAX_LENGTH) return `The ${what} is ${name.length} characters long: use at most ${NAME_MAX_LENGTH}.`;
  if (!NAME_PATTERN.test(name)) {
    return `The ${what} "${printable(name)}" is not allowed: use ${NAME_RULE_TEXT}.`;
  }
  return undefined;
}

export function isValidName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/** Names are unique ignoring case: `Stripe` and `stripe` cannot both exist. */
export function sameNameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Names in messages: control characters shown escaped, long names cut. */
export function printable(text: string, max = 64): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
