// Building the page from data without ever parsing it as HTML: every value goes in as text
// (textContent, attributes set one by one), so nothing a partner or a customer typed can run.

/**
 * An element with attributes and children. Children are nodes or values; values become text.
 * `null`, `undefined` and `false` children are skipped.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `node` shows. */
export function show(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/**
 * A table: `columns` are `{ label, cell(row) => node or value, className? }`. Each cell carries
 * its column's label (`data-label`), which narrow screens show beside the value (wrapped in one
 * `div`, so label and value are the two columns of the cell's grid). The explicit roles keep it
 * a table for screen readers when narrow screens lay it out as blocks.
 */
export function table(caption, columns, rows) {
  return el(
    'table',
    { role: 'table' },
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' }, columns.map((c) => el('th', { scope: 'col', role: 'columnheader', class: c.className }, c.label)))),
    el('tbody', { role: 'rowgroup' }, rows.map((row) => el('tr', { role: 'row' }, columns.map((c) => el('td', { role: 'cell', 'data-label': c.label, class: c.className }, el('div', {}, c.cell(row))))))),
  );
}

/** An identifier, in monospace, broken anywhere on narrow screens. */
export function id(value) {
  return el('span', { class: 'id' }, value);
}

/** A status word as a coloured badge (the colour is decoration: the word says it all). */
export function badge(word, kind = word) {
  return el('span', { class: `badge ${kind}` }, word);
}

/** A list of short values (services, roles). */
export function tags(values, empty = '—') {
  return values.length ? el('ul', { class: 'tags' }, values.map((v) => el('li', {}, v))) : empty;
}

/** An ISO 8601 instant as `YYYY-MM-DD HH:MM[:SS] UTC` in a `<time>` element; anything else as it is. */
export function when(iso, { seconds = false } = {}) {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso)) return iso ?? '—';
  return el('time', { datetime: iso, title: iso }, `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)} UTC`);
}

/** A line in muted italics: what a section shows when there is nothing to show. */
export function empty(text) {
  return el('p', { class: 'empty' }, text);
}

/** A line in the error colour, inside a section that could not be loaded. */
export function failure(text) {
  return el('p', { class: 'error-inline', role: 'alert' }, text);
}

/** Sets a panel's status line: `kind` is 'loading', 'error' or '' (plain). Empty text hides it. */
export function status(node, text, kind = '') {
  node.className = `status ${kind}`.trim();
  node.textContent = text;
}
