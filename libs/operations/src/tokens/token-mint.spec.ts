import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localSigningSecret, RUN_SECRET_FILE } from './token-mint';

describe('localSigningSecret: the secret `npm run ops -- token` and the demo sign with', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mp-run-secret-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const leave = (text: string) => {
    mkdirSync(dirname(join(root, RUN_SECRET_FILE)), { recursive: true });
    writeFileSync(join(root, RUN_SECRET_FILE), text);
  };

  it('is AUTH_JWT_SECRET when it is set, whatever npm start left', () => {
    leave('the-run-secret-of-npm-start-32-characters\n');
    expect(localSigningSecret('from-the-environment', root)).toBe('from-the-environment');
  });

  it('is the secret the running npm start made when AUTH_JWT_SECRET is unset', () => {
    leave('the-run-secret-of-npm-start-32-characters\n');
    expect(localSigningSecret(undefined, root)).toBe('the-run-secret-of-npm-start-32-characters');
  });

  it('is nothing when neither is there', () => {
    expect(localSigningSecret(undefined, root)).toBeUndefined();
    leave('\n');
    expect(localSigningSecret(undefined, root)).toBeUndefined();
  });
});
