import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest, FieldErrorDto } from '@mp/platform';

function flatten(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, constraints: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validates path and query parameters against their DTO classes (class-validator): a refused
 * parameter is a 400 whose `message` says what is wrong and whose `details` list every field.
 * Unknown query parameters are refused too, so a typo (`?stauts=`) never passes silently.
 */
export function directoryValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const message = details.flatMap((d) => d.constraints).join('; ') || 'Invalid request parameters.';
      return badRequest(details, message);
    },
  });
}
