/**
 * A self-contained page that renders /openapi.json: every operation with its summary,
 * parameters, request body schema and responses, and a form to send a request from the
 * browser. No external assets, so it works on a machine without internet access.
 */
export function docsPage(service: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${service} service API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}
.op{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.75rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
textarea{width:100%;height:6rem;font-family:monospace}
input{width:100%}
</style></head>
<body><h1>${service} service API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>.</p>
<label>Bearer token (optional) <input id="token" placeholder="paste an access token"></label>
<div id="ops">Loading…</div>
<script>
const ops = document.getElementById('ops');
fetch('/openapi.json').then(r => r.json()).then(doc => {
  ops.textContent = '';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const el = document.createElement('div'); el.className = 'op';
      const body = op.requestBody ? JSON.stringify(op.requestBody.content['application/json'].schema, null, 2) : null;
      el.innerHTML = '<div><span class="m"></span><code></code> <span class="s"></span></div>'
        + (body ? '<details><summary>request body schema</summary><pre></pre></details>' : '')
        + '<details><summary>responses</summary><pre class="r"></pre></details>'
        + '<details><summary>try it</summary><label>path <input class="p"></label>'
        + (body ? '<label>body<textarea class="b">{}</textarea></label>' : '')
        + '<button>send</button><pre class="out"></pre></details>';
      el.querySelector('.m').textContent = method.toUpperCase();
      el.querySelector('code').textContent = path;
      el.querySelector('.s').textContent = op.summary || '';
      if (body) el.querySelector('pre').textContent = body;
      el.querySelector('.r').textContent = JSON.stringify(op.responses, null, 2);
      el.querySelector('.p').value = path;
      el.querySelector('button').onclick = async () => {
        const headers = { 'Content-Type': 'application/json' };
        const token = document.getElementById('token').value.trim();
        if (token) headers.Authorization = 'Bearer ' + token;
        const b = el.querySelector('.b');
        const res = await fetch(el.querySelector('.p').value, { method: method.toUpperCase(), headers, body: b ? b.value : undefined });
        el.querySelector('.out').textContent = res.status + '\\n' + await res.text();
      };
      ops.appendChild(el);
    }
  }
});
</script></body></html>`;
}
