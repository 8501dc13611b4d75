// Small helpers the intake suites share: what a problem+json answer must look like, how to wait
// for an outcome, and what reached the queue or the store.
import { categories, categoryFilter, type EventStore, type RecordedEvent } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import type { Response } from 'supertest';

/** Asserts an RFC 9457 answer with the status, and returns its body for further checks. */
export function expectProblem(res: Response, status: number, code?: string): { code: string; field: string; message: string; operands?: Record<string, unknown>; errors: Array<{ code: string; field: string; message: string; operands?: Record<string, unknown> }> } {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  const body = res.body as ReturnType<typeof expectProblem> & { status: number; type: string; title: string };
  expect(body.status).toBe(status);
  expect(typeof body.code).toBe('string');
  expect(body.errors.length).toBeGreaterThan(0);
  expect(body.errors[0]).toMatchObject({ code: body.code, field: body.field, message: body.message });
  if (code !== undefined) expect(body.code).toBe(code);
  return body;
}

/** Counts the messages intake publishes, without changing what it does. */
export function countPublished(queue: SubmissionQueue): { readonly count: () => number; readonly restore: () => void } {
  let n = 0;
  const original = queue.publish.bind(queue);
  const patched = async (messages: Parameters<SubmissionQueue['publish']>[0]) => {
    n += messages.length;
    return original(messages);
  };
  (queue as { publish: SubmissionQueue['publish'] }).publish = patched;
  return { count: () => n, restore: () => ((queue as { publish: SubmissionQueue['publish'] }).publish = original) };
}

/** Every event of some categories, in global order. */
export async function readCategory(store: EventStore, ...cats: string[]): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from: string | undefined;
  for (;;) {
    const page = await store.readAll({ from, filter: categoryFilter(...cats), batchSize: 5000 });
    out.push(...page.events);
    from = page.checkpoint;
    if (page.isEnd) return out;
  }
}

export const precinctEvents = (store: EventStore) => readCategory(store, categories.precinct);
export const intakeRejections = (store: EventStore) => readCategory(store, categories.intakeRejections);
