/**
 * The code the benchmark's processes run, transpiled once: every module of apps/ and libs/ (and
 * the pass-through) to JavaScript under .cache/bench/js, with the directory's console assets
 * beside it, as `npm run build` lays out dist/. Six services each compiling the whole tree
 * through ts-node at once take minutes on a small machine; plain JavaScript starts in seconds.
 *
 * Transpiled as ts-node --transpile-only does (no type check, so a tree in the middle of an edit
 * still runs); a module is transpiled again only when its source is newer than its output. The
 * `@mp/*` imports resolve through tsconfig-paths with TS_NODE_BASEURL at the output (processEnv).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
export const COMPILED = join(ROOT, '.cache', 'bench', 'js');

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, sourceMap: false, inlineSourceMap: false, declaration: false };
}

/** Transpiles what changed since the last time; returns how many modules it transpiled. */
export function compileForProcesses(): number {
  const options = compilerOptions();
  const sources = [
    ...globSync('{apps,libs}/**/*.ts', { cwd: ROOT }).filter((file) => !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file) && !file.includes('/testing/')),
    'bench/passthrough.ts',
  ];
  let transpiled = 0;
  for (const source of sources) {
    const from = join(ROOT, source);
    const to = join(COMPILED, source.replace(/\.ts$/, '.js'));
    if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
    const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), { compilerOptions: options, fileName: from });
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, outputText);
    transpiled++;
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'copy-assets.mjs'), '--out-dir', COMPILED], { stdio: 'ignore' });
  return transpiled;
}

/** What a process of the compiled code needs: `node -r tsconfig-paths/register <file>` with this environment. */
export function processEnv(): NodeJS.ProcessEnv {
  return { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), TS_NODE_BASEURL: COMPILED };
}

/** The compiled file of a source file (`apps/request-service/src/main.ts`). */
export function compiled(source: string): string {
  return join(COMPILED, source.replace(/\.ts$/, '.js'));
}
