import { Controller, Get, InternalServerErrorException, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@mp/auth';
import { ConsoleAssets } from './console-assets';

/** The part of Express' response the console sets: its headers (Express answers 304 from the ETag it computes). */
interface Response {
  setHeader(name: string, value: string): void;
}

/**
 * What the console's page may load and call: its own files and this origin's API, nothing else
 * (no CDN, no inline script, no framing), so a value the page shows can never pull in or run code.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `/console`: a read-only web page for people over the directory's own HTTP API (the page holds
 * no data; what it shows comes from `/v1/...` with the user's token). Static files, from memory,
 * with no token (the page asks for one).
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleHttpController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get()
  page(@Res({ passthrough: true }) response: Response): string {
    return this.serve('index.html', response);
  }

  @Get(':file')
  file(@Param('file') file: string, @Res({ passthrough: true }) response: Response): string {
    return this.serve(file, response);
  }

  private serve(name: string, response: Response): string {
    let asset;
    try {
      asset = this.assets.get(name);
    } catch (error) {
      throw new InternalServerErrorException((error as Error).message);
    }
    if (!asset) throw new NotFoundException(`The console has no file "${name}".`);
    response.setHeader('Content-Type', asset.mediaType);
    response.setHeader('Content-Security-Policy', CONSOLE_CSP);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    // Revalidated each time, so a new build is seen at once.
    response.setHeader('Cache-Control', 'no-cache');
    return asset.body;
  }
}
