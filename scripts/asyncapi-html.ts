/**
 * One self-contained HTML page for an AsyncAPI document, rendered in the browser by
 * @asyncapi/react-component's standalone bundle: the bundle, its stylesheet and the document are
 * all inlined, so the page opens from disk with no network at all.
 */
import { readFileSync } from 'node:fs';

export interface HtmlRenderer {
  /** browser/standalone/index.js of @asyncapi/react-component (React and the parser included). */
  bundle: string;
  /** styles/default.min.css of the same package. */
  css: string;
}

/** The renderer installed in node_modules. */
export function installedRenderer(): HtmlRenderer {
  const file = (path: string) => readFileSync(require.resolve(`@asyncapi/react-component/${path}`), 'utf8');
  return { bundle: file('browser/standalone/index.js'), css: file('styles/default.min.css') };
}

/**
 * Text that may stand inside a <script> or <style> element: `</script`, `<script` and `<!--` would
 * end the element or change how the HTML parser reads it. In a minified bundle they only occur in
 * string and regular expression literals, where `\x3C` is the same `<`.
 */
export function inlineSafe(code: string): string {
  return code.replace(/<(\/?script|!--)/gi, '\\x3C$1');
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function asyncApiHtml(document: { info?: { title?: string } }, renderer: HtmlRenderer = installedRenderer()): string {
  const title = escapeHtml(document.info?.title ?? 'AsyncAPI');
  // JSON in a data block: `<` escaped so no text in the document can close the element.
  const data = JSON.stringify(document).replace(/</g, '\\u003c');
  const config = { show: { sidebar: true, info: true, servers: true, operations: true, messages: true, schemas: true, errors: true }, sidebar: { showOperations: 'byDefault' } };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="npm run docs:asyncapi">
<title>${title}</title>
<style>${inlineSafe(renderer.css)}</style>
</head>
<body>
<div id="asyncapi"></div>
<script type="application/json" id="asyncapi-document">${data}</script>
<script>${inlineSafe(renderer.bundle)}</script>
<script>
AsyncApiStandalone.render(
  { schema: JSON.parse(document.getElementById('asyncapi-document').textContent), config: ${JSON.stringify(config)} },
  document.getElementById('asyncapi'),
);
</script>
</body>
</html>
`;
}
