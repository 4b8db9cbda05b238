// npm run docs:config: writes the README's configuration table from the environment the services
// read (libs/config/src/environment.ts). A unit test fails while the two disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withConfigurationTable } from '@mp/config';

const readme = join(__dirname, '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withConfigurationTable(before);
writeFileSync(readme, after);
console.log(before === after ? 'README.md: the configuration table was up to date' : 'README.md: configuration table written');
