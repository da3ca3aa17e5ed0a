/** Bodies that are not what any endpoint accepts, sent raw with a JSON content type. */
export const HOSTILE_RAW_BODIES: Record<string, string> = {
  'malformed JSON': '{"name": ',
  'a JSON string': '"hello"',
  'a JSON array': '[1, 2, 3]',
  'a JSON number': '42',
  'JSON null': 'null',
  'an empty object': '{}',
  'deeply nested objects': `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`,
};

/** A JSON body just over the 100 kB limit. */
export function oversizedBody(): string {
  return JSON.stringify({ padding: 'x'.repeat(110 * 1024) });
}
