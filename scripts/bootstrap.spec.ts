import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The entry scripts' own helper, an ES module of Node built-ins (loaded here through require(esm)).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isNewEnough, OLDEST_NODE, INSTALLED_NODE, installedMatchesLock } = require('./bootstrap.mjs');

describe('the Node the entry scripts accept', () => {
  it.each([
    ['v20.20.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['22.20.1', true],
    ['23.0.0', true],
    ['v24.21.0', true],
  ])('%s is new enough: %s', (version, expected) => {
    expect(isNewEnough(version)).toBe(expected);
  });

  it('is the floor package.json declares, and the Node it installs passes it', () => {
    const engines = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).engines.node;
    expect(engines).toBe(`>=${OLDEST_NODE.join('.')}`);
    expect(isNewEnough(INSTALLED_NODE)).toBe(true);
    expect(INSTALLED_NODE.split('.')[0]).toBe('24');
  });

  it('finds node_modules in step with package-lock.json after npm ci', () => {
    expect(installedMatchesLock()).toBe(true);
  });
});
