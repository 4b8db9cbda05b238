import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@mp/auth';
import { asyncApiDocument } from '@mp/contracts';
import { stringify } from 'yaml';

/**
 * `GET /asyncapi` (JSON) and `GET /asyncapi.yaml`: the AsyncAPI 3.0 document of every topic and
 * message (DESIGN §9), generated from the contract's classes once, at start. It needs no token
 * (DESIGN §10) and answers while the read models rebuild; it is kept out of the OpenAPI at `/docs`.
 */
@ApiExcludeController()
@Public()
@Controller()
export class AsyncApiHttpController {
  private readonly document = asyncApiDocument();
  private readonly yaml = stringify(this.document, { aliasDuplicateObjects: false });

  @Get('asyncapi')
  json(): Record<string, unknown> {
    return this.document;
  }

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  yamlText(): string {
    return this.yaml;
  }
}
