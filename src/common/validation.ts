import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type FieldProblem } from './app-error';

/** Flattens class-validator's tree into `{ field: 'input.email', message }` pairs. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** Validates every GraphQL input; failures are BAD_USER_INPUT with extensions.fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppError.badInput(fieldProblems(errors)),
  });
}
