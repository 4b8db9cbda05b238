import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** The media types the console is made of; a file of any other kind in the folder is not served. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface ConsoleAsset {
  body: string;
  mediaType: string;
}

/** Where the console's files are: next to this file, in the sources and in `dist/` (the build copies them). */
export const CONSOLE_ASSETS_DIR = join(__dirname, 'assets');

/** The console's static files, read once at start and served from memory. */
@Injectable()
export class ConsoleAssets implements OnModuleInit {
  private readonly logger = new Logger(ConsoleAssets.name);
  private assets = new Map<string, ConsoleAsset>();
  private problem?: string;
  private readonly dir = CONSOLE_ASSETS_DIR;

  async onModuleInit(): Promise<void> {
    try {
      this.assets = await loadAssets(this.dir);
    } catch (error) {
      // A build that lost the console must not take the directory's queries down with it.
      this.problem = `the console's files are missing from ${this.dir} (${(error as Error).message}); a build must copy apps/directory-service/src/console/assets next to the compiled code (npm run build does)`;
      this.logger.error(this.problem);
    }
  }

  /** The file named `name`, undefined when there is none; throws when the console's files could not be read at all. */
  get(name: string): ConsoleAsset | undefined {
    if (this.problem) throw new Error(this.problem);
    return this.assets.get(name);
  }
}

export async function loadAssets(dir: string): Promise<Map<string, ConsoleAsset>> {
  const names = (await readdir(dir)).filter((name) => Object.hasOwn(MEDIA_TYPES, extname(name)));
  if (!names.includes('index.html')) throw new Error('index.html not found');
  const files = await Promise.all(names.map(async (name) => [name, { body: await readFile(join(dir, name), 'utf8'), mediaType: MEDIA_TYPES[extname(name)] }] as const));
  return new Map(files);
}
