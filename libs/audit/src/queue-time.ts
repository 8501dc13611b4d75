// When the queue took a recorded submission, as the recorder kept it beside receivedAt
// (metadata queue.appendedAt: the broker's clock on Kafka, the in-process queue's in embedded
// mode); undefined where it kept none (a Kafka topic on CreateTime, a store recorded before).
import type { RecordedEvent } from '@tally/event-store';

export function queueAppendedAt(e: RecordedEvent): string | undefined {
  const queue = e.metadata.queue;
  if (typeof queue !== 'object' || queue === null || Array.isArray(queue)) return undefined;
  const appendedAt = (queue as Record<string, unknown>).appendedAt;
  return typeof appendedAt === 'string' ? appendedAt : undefined;
}
