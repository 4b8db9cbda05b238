#!/usr/bin/env node
// Part of `npm run build`: tsc emits only JavaScript, so the files a service serves as they are
// (the directory's console: HTML, CSS, browser JavaScript) are copied next to the compiled code.
// What to copy is declared once, where the Nest CLI reads it: each project's
// `compilerOptions.assets` in nest-cli.json (globs relative to its sourceRoot). A file lands at
// `<out-dir>/<sourceRoot>/<path>`, the layout tsc gives the code (dist/apps/<name>/src/...).
//
//   node scripts/copy-assets.mjs [--out-dir dist]
import { cpSync, globSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  console.error(`copy-assets: ${message}`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({ options: { 'out-dir': { type: 'string', default: join(root, 'dist') } } }));
} catch (error) {
  fail(`${error.message}\nusage: node scripts/copy-assets.mjs [--out-dir dist]`);
}

const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
let copied = 0;
for (const [name, project] of Object.entries(nestCli.projects ?? {})) {
  for (const asset of project.compilerOptions?.assets ?? []) {
    const pattern = typeof asset === 'string' ? asset : asset.include;
    const exclude = typeof asset === 'string' || !asset.exclude ? [] : [asset.exclude];
    const files = globSync(pattern, { cwd: join(root, project.sourceRoot), exclude }).filter((file) => statSync(join(root, project.sourceRoot, file)).isFile());
    if (!files.length) fail(`${name}: no file matches the asset "${pattern}" under ${project.sourceRoot}`);
    for (const file of files) {
      const target = join(options['out-dir'], project.sourceRoot, file);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(root, project.sourceRoot, file), target);
      copied++;
    }
  }
}
const where = relative(root, options['out-dir']);
console.log(`copy-assets: ${copied} file(s) copied under ${where.startsWith('..') ? options['out-dir'] : where}`);
