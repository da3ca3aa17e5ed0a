type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const WRITES = new Set(['post', 'put', 'patch', 'delete']);

interface Probe {
  what: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Sends every documented operation of `document` the requests that exercise its shared answers
 * (a bad token, no token, another method, a body that is not JSON, too large or malformed) and its
 * own example body with an admin token, to the service at `baseUrl`, and returns every answer whose
 * status the operation does not document, or that lacks X-Request-Id. Empty when the document
 * tells the truth about all of them.
 */
export async function undocumentedAnswers(document: Json, baseUrl: string, adminAuth: string): Promise<string[]> {
  const problems: string[] = [];
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [template, item] of Object.entries(paths)) {
    const present = METHODS.filter((method) => item[method]);
    for (const method of present) {
      const op = item[method] as Json;
      const path = fillPath(template, op);
      const documented = Object.keys((op.responses ?? {}) as Json);
      for (const probe of probesFor(method, op, present, adminAuth)) {
        const res = await fetch(`${baseUrl}${path}`, { method: probe.method, headers: probe.headers, body: probe.body });
        await res.arrayBuffer();
        const where = `${method.toUpperCase()} ${template} (${probe.what})`;
        if (!documented.includes(String(res.status)))
          problems.push(`${where}: answered ${res.status}, documented ${documented.join(', ')}`);
        if (!res.headers.get('x-request-id')) problems.push(`${where}: answered ${res.status} without X-Request-Id`);
      }
    }
  }
  return problems;
}

function probesFor(method: string, op: Json, present: readonly string[], adminAuth: string): Probe[] {
  const verb = method.toUpperCase();
  const json = { 'Content-Type': 'application/json' };
  const probes: Probe[] = [];
  const example = exampleBody(op);
  if (example !== undefined)
    probes.push({ what: 'its example, as admin', method: verb, headers: { ...json, Authorization: adminAuth }, body: example });
  else probes.push({ what: 'as admin', method: verb, headers: { Authorization: adminAuth } });
  probes.push({ what: 'no token', method: verb, headers: example === undefined ? {} : json, body: example });
  probes.push({ what: 'a bad token', method: verb, headers: { Authorization: 'Bearer not-a-token' } });
  const other = METHODS.find((m) => !present.includes(m));
  if (other) probes.push({ what: `${other.toUpperCase()}, not a method of the path`, method: other.toUpperCase(), headers: {} });
  if (WRITES.has(method)) {
    const auth = { Authorization: adminAuth };
    probes.push({ what: 'a text/plain body', method: verb, headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'hello' });
    probes.push({ what: 'malformed JSON', method: verb, headers: { ...auth, ...json }, body: '{"a": ' });
    probes.push({ what: 'a 200 kB body', method: verb, headers: { ...auth, ...json }, body: JSON.stringify({ a: 'x'.repeat(200_000) }) });
  }
  return probes;
}

/** The path with each parameter replaced by its documented example. */
function fillPath(template: string, op: Json): string {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params.find((p) => p.name === name)?.example ?? name));
}

function exampleBody(op: Json): string | undefined {
  const media = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.['application/json'];
  if (!media) return undefined;
  const examples = media.examples as Record<string, { value: unknown }> | undefined;
  const value = media.example ?? (examples ? Object.values(examples)[0]?.value : undefined);
  return value === undefined ? undefined : JSON.stringify(value);
}
