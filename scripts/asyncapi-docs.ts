// npm run docs:asyncapi: writes docs/asyncapi.json, the AsyncAPI document generated from the
// contract's classes (libs/contracts/src/asyncapi), and renders it into docs/asyncapi.html, one
// page that opens offline. A unit test fails while the committed JSON is not the generated one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, asyncApiJson } from '@mp/contracts';
import { asyncApiHtml } from './asyncapi-html';

const docs = join(__dirname, '..', 'docs');
const jsonFile = join(docs, 'asyncapi.json');
const htmlFile = join(docs, 'asyncapi.html');

try {
  mkdirSync(docs, { recursive: true });
  const json = asyncApiJson();
  const before = existsSync(jsonFile) ? readFileSync(jsonFile, 'utf8') : undefined;
  writeFileSync(jsonFile, json);
  console.log(before === json ? 'docs/asyncapi.json: up to date' : 'docs/asyncapi.json: written');
  const html = asyncApiHtml(asyncApiDocument());
  writeFileSync(htmlFile, html);
  console.log(`docs/asyncapi.html: rendered (${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MiB, opens offline)`);
} catch (error) {
  console.error(`docs:asyncapi: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
