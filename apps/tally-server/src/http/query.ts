// A query string parsed by its zod schema, or 400 problem+json with one MALFORMED problem per rule
// broken, each naming its parameter (an unknown parameter, under a strict schema, says so).
import type { z } from 'zod';
import { problem, ProblemException } from './problem';

export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new ProblemException(parsed.error.issues.map((i) => problem('MALFORMED', i.path.join('.') || 'query', i.code === 'unrecognized_keys' ? `unknown parameter: ${i.message}` : i.message)));
  }
  return parsed.data;
}
