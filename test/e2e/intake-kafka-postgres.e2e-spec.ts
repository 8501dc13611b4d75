// Issue 5 acceptance on Kafka + PostgreSQL: the shared intake suite against the broker from
// KAFKA_BROKERS (`npm run test:e2e` starts one) and a fresh PostgreSQL database.
import { describeIntakeSuite } from './support/intake-suite';

jest.setTimeout(180_000);

describeIntakeSuite('kafka-postgres');
