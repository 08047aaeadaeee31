const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URL_START = /^(https?|gs|data):/;
// An id is a short lower-case word, a separator, then random-looking characters with a digit.
const PREFIXED_ID = /^([a-z]{1,20}(?:[-_][a-z]{1,20})?[-_])[A-Za-z0-9_-]{6,}$/;

/** Longer strings are content, not identifiers or dates; skipping them keeps the walk cheap. */
const MAX_FORMAT_LENGTH = 160;

/**
 * The format of a string value: `prefix:<p>` for ids (`prefix:chatcmpl-`, `prefix:msg_`),
 * `iso-datetime`, `iso-date`, `uuid`, `url`, or `none`.
 */
export function formatOf(value: string): string {
  const length = value.length;
  if (length < 8 || length > MAX_FORMAT_LENGTH) return 'none';
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (ISO_DATE.test(value)) return 'iso-date';
    if (ISO_DATETIME.test(value)) return 'iso-datetime';
    if (UUID.test(value)) return 'uuid';
    return 'none';
  }
  if (UUID.test(value)) return 'uuid';
  if (URL_START.test(value)) return 'url';
  const id = PREFIXED_ID.exec(value);
  if (id && /\d/.test(value.slice(id[1]!.length))) return `prefix:${id[1]}`;
  return 'none';
}
