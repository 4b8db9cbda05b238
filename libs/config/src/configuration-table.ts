// The class's decorators declare the variables: loaded before the table is made.
import './environment';
import { variables } from './variable';

/** The README's configuration table, one row per variable of `Environment`, in declaration order. */
export function configurationTable(): string {
  const rows = variables().map((v) => `| \`${v.name}\` | ${v.default === undefined ? 'unset' : v.default === '' ? 'empty' : `\`${v.default}\``} | ${v.meaning}${v.secret ? ' (secret)' : ''} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const TABLE_START = '<!-- configuration table: generated from libs/config/src/environment.ts by `npm run docs:config` -->';
export const TABLE_END = '<!-- end of the configuration table -->';

/** `readme` with the text between the table's markers replaced by the table of the code. */
export function withConfigurationTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`the README has no configuration table markers (${TABLE_START} ... ${TABLE_END})`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configurationTable()}\n${readme.slice(end)}`;
}
