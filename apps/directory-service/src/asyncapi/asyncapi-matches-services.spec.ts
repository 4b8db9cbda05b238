import 'reflect-metadata';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { asyncApiDocument, DEAD_LETTER_LIMITS, DeadLetterErrorClasses, DeadLetterHeaderSchemas, Participants } from '@mp/contracts';
import {
  DeadLetterHeaders,
  DecodeFailureClass,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_VALIDATION_ERRORS_CHARS,
  PlacementFailureClass,
} from '@mp/messaging';
import { CONSENT_SERVICE, ConsentServiceModule } from '../../../consent-service/src/consent-service.module';
import { NOTIFICATION_SERVICE, NotificationServiceModule } from '../../../notification-service/src/notification-service.module';
import { REQUEST_SERVICE, RequestServiceModule } from '../../../request-service/src/request-service.module';
import { DIRECTORY_SERVICE, DirectoryServiceModule } from '../directory-service.module';

/**
 * The AsyncAPI document's operations and dead letter are written in libs/contracts, which cannot
 * see the services or the messaging layer; here they are held equal to the code: what each
 * service's `@EventPattern` handlers take (read off the module metadata, nothing is started), and
 * the dead-letter writer's header names, limits and error classes.
 */

type Module = { module?: unknown; controllers?: unknown[]; imports?: unknown[] } | (new (...args: never[]) => unknown);

/** Every controller of a module and of the modules it imports, dynamic ones included. */
function controllersOf(module: Module, seen = new Set<unknown>()): Array<new (...args: never[]) => unknown> {
  if (!module || seen.has(module)) return [];
  seen.add(module);
  const dynamic = typeof module === 'object' ? module : undefined;
  const cls = (dynamic?.module ?? module) as object;
  const controllers = [...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, cls) ?? []), ...(dynamic?.controllers ?? [])];
  const imports = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls) ?? []), ...(dynamic?.imports ?? [])];
  return [...controllers, ...imports.flatMap((imported: Module) => controllersOf(imported, seen))];
}

/** The message types a service's handlers take: what its transport subscribes to. */
function handledTypes(module: Module): string[] {
  const types = controllersOf(module).flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((method) => {
      const handler = (controller.prototype as Record<string, unknown>)[method];
      return typeof handler === 'function' ? ((Reflect.getMetadata(PATTERN_METADATA, handler) as string[] | undefined) ?? []) : [];
    }),
  );
  return [...new Set(types)].sort();
}

const services = [
  [REQUEST_SERVICE, RequestServiceModule],
  [CONSENT_SERVICE, ConsentServiceModule],
  [NOTIFICATION_SERVICE, NotificationServiceModule],
  [DIRECTORY_SERVICE, DirectoryServiceModule],
] as const;

describe('the AsyncAPI document and the services', () => {
  it.each(services)('says which types %s receives: exactly those its handlers take', (service, module) => {
    const participant = Participants.find((p) => p.name === service);
    expect(participant).toBeDefined();
    expect([...participant!.receives].sort()).toEqual(handledTypes(module));
    expect(handledTypes(module).length).toBeGreaterThan(0);
  });

  it.each(services)('has %s read in its own consumer group and write dead letters', (service) => {
    const participant = Participants.find((p) => p.name === service)!;
    expect(participant.groupId).toBe(service);
    expect(participant.deadLetters).toBe('sends');
  });

  it('has a receive operation with the consumer group for every topic a service subscribes to', () => {
    const operations = Object.values(asyncApiDocument().operations as Record<string, any>);
    for (const [service] of services) {
      const receiving = operations.filter((o) => o.action === 'receive' && o.bindings?.kafka?.groupId?.enum?.[0] === service);
      expect(receiving.length).toBeGreaterThan(0);
      expect(receiving.every((o) => o.title.startsWith(`${service} reads`))).toBe(true);
    }
  });
});

describe('the AsyncAPI dead letter and the dead-letter writer', () => {
  it('names exactly the headers the writer adds', () => {
    expect(Object.keys(DeadLetterHeaderSchemas).sort()).toEqual(Object.values(DeadLetterHeaders).sort());
  });

  it('gives the same limits', () => {
    expect(DEAD_LETTER_LIMITS).toEqual({ errorMessage: MAX_ERROR_MESSAGE_CHARS, validationErrors: MAX_VALIDATION_ERRORS_CHARS });
  });

  it('lists exactly the error classes of decoding, placement and handlers', () => {
    // Checked by the compiler (npm run lint): a class added to the messaging layer, or one the
    // document names that it does not have, breaks one of these two lines.
    type Classes = DecodeFailureClass | PlacementFailureClass | 'HandlerFailed';
    const everyClass: Record<Classes, string> = DeadLetterErrorClasses;
    const noOther: [Exclude<keyof typeof DeadLetterErrorClasses, Classes>] extends [never] ? true : false = true;
    expect(noOther).toBe(true);
    expect(Object.values(everyClass).every((meaning) => meaning.length > 0)).toBe(true);
  });
});
