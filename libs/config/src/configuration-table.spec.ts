import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withConfigurationTable } from './configuration-table';

describe("the README's configuration table", () => {
  it('is the one generated from the environment the services read (npm run docs:config)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    expect(withConfigurationTable(readme)).toBe(readme);
  });
});
