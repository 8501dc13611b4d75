// Test support: every event of a store, in global order, read page by page as a subscriber would.
import type { EventStore, RecordedEvent } from '../event-store.port';
import { START_POSITION } from '../position';

export async function readEverything(store: EventStore, batchSize = 1000): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll({ from, batchSize });
    events.push(...page.events);
    from = page.checkpoint;
    if (page.isEnd) return events;
  }
}
