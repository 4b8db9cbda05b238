import { styleText } from 'node:util';
import Table from 'cli-table3';

type Style = Parameters<typeof styleText>[0];

/** Text styled for standard output: colours only when it is a terminal (and NO_COLOR is not set). */
export function paint(style: Style, text: string): string {
  return styleText(style, text, { stream: process.stdout });
}

/** The same for standard error. */
export function paintErr(style: Style, text: string): string {
  return styleText(style, text, { stream: process.stderr });
}

/** A table with a bold head, no colours of its own (cli-table3's are off: ours follow the terminal). */
export function table(head: string[], rows: Array<Array<string | number>>, align?: Array<'left' | 'right'>): string {
  const t = new Table({ head: head.map((h) => paint('bold', h)), style: { head: [], border: [], compact: true }, ...(align ? { colAligns: align } : {}) });
  t.push(...rows.map((row) => row.map(String)));
  return t.toString();
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** One JSON document on standard output, for a script. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A note for the person at the terminal (progress, what happens next): on standard error, so it never mixes with what a script reads. */
export function note(text: string): void {
  process.stderr.write(`${paintErr('dim', text)}\n`);
}

/** A number with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Shortens `text` to `max` characters. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
