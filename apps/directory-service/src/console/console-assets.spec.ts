import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CONSOLE_ASSETS_DIR, loadAssets } from './console-assets';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('the console\'s files', () => {
  it('are served with their media types, and every file the page or a module refers to is one of them', async () => {
    const assets = await loadAssets(CONSOLE_ASSETS_DIR);
    expect(assets.get('index.html')?.mediaType).toBe('text/html; charset=utf-8');
    expect(assets.get('console.css')?.mediaType).toBe('text/css; charset=utf-8');
    expect(assets.get('console.js')?.mediaType).toBe('text/javascript; charset=utf-8');

    const page = assets.get('index.html')!.body;
    const fromPage = [...page.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1]);
    expect(fromPage.sort()).toEqual(['console.css', 'console.js']);
    const imported = [...assets].flatMap(([, asset]) => [...asset.body.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]));
    expect(imported.length).toBeGreaterThan(0);
    for (const name of [...fromPage, ...imported]) expect(assets.has(name)).toBe(true);
    // Nothing from outside: no URL with a scheme or a protocol-relative one in any file.
    for (const [name, asset] of assets) expect([name, asset.body.match(/(?:src|href|url\()\s*=?\s*["']?(?:[a-z]+:)?\/\/[^"')\s]+/gi)]).toEqual([name, null]);
  });

  it('refuses a folder without index.html, and leaves other kinds of files out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
    try {
      writeFileSync(join(dir, 'console.js'), 'export {};');
      await expect(loadAssets(dir)).rejects.toThrow('index.html not found');
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      writeFileSync(join(dir, 'notes.txt'), 'not served');
      expect([...(await loadAssets(dir)).keys()].sort()).toEqual(['console.js', 'index.html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are copied next to the compiled code by the build (scripts/copy-assets.mjs, from nest-cli.json)', () => {
    const out = mkdtempSync(join(tmpdir(), 'console-dist-'));
    try {
      const said = execFileSync(process.execPath, [join(ROOT, 'scripts', 'copy-assets.mjs'), '--out-dir', out], { encoding: 'utf8' });
      const copied = join(out, relative(ROOT, CONSOLE_ASSETS_DIR));
      for (const name of ['index.html', 'console.css', 'console.js', 'api.js', 'dom.js']) {
        expect(readFileSync(join(copied, name), 'utf8')).toBe(readFileSync(join(CONSOLE_ASSETS_DIR, name), 'utf8'));
      }
      expect(said).toMatch(/^copy-assets: \d+ file\(s\) copied under /);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
