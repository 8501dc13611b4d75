// The contract on a real EventStoreDB/KurrentDB server, whenever one is reachable. There is no
// fake: without EVENTSTORE_CONNECTION_STRING the suite is skipped and says so.
import { eventStoreContract } from '../event-store.contract';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract('EventStoreDB', {
    open: () => createEventStoreDbEventStore({ connectionString }),
    atomicBatches: false,
    // No copy of an EventStoreDB log can be tampered with through the client: tamper tests skip.
  });
} else {
  console.log('EventStoreDB contract skipped: EVENTSTORE_CONNECTION_STRING not set (e.g. esdb://localhost:2113?tls=false)');
  describe.skip('EventStore contract: EventStoreDB (skipped: EVENTSTORE_CONNECTION_STRING not set)', () => {
    it('runs the contract against a real server', () => undefined);
  });
}
