// Admin calls that race another process's: a topic another instance has just created is known to
// the controller before every broker's metadata cache, so a metadata or config read right after
// answers UNKNOWN_TOPIC_OR_PARTITION for a moment. kafkajs marks such errors `retriable`.
import type { Admin, ITopicConfig, ITopicMetadata, Kafka } from 'kafkajs';

/** A new admin client for `use`, disconnected after it whether it answered or threw. */
export async function withAdmin<T>(kafka: Pick<Kafka, 'admin'>, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Runs `work` again while it throws a retriable error, `attempts` times in all, `delayMs` apart. */
export async function retryRetriable<T>(work: () => Promise<T>, { attempts = 20, delayMs = 250 } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: unknown }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Creates the topics that do not exist yet and waits until a broker's metadata shows a leader for
 * every partition of every one. kafkajs's own `waitForLeaders` retries only LEADER_NOT_AVAILABLE;
 * under KRaft a broker that has not yet replayed the creation answers UNKNOWN_TOPIC_OR_PARTITION,
 * which kafkajs then throws (CI saw exactly that on a loaded single broker). Returns whether any
 * topic was created by this call.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], { attempts = 120, delayMs = 250 } = {}): Promise<boolean> {
  const created = await admin.createTopics({ waitForLeaders: false, topics });
  await waitForLeaders(admin, topics.map(({ topic }) => topic), { attempts, delayMs });
  return created;
}

/**
 * Waits (retriable errors and leaderless partitions alike) until every partition of `topics` has a
 * leader, and returns the metadata that showed it. Giving up is final (not retriable), so a
 * caller's own retry does not wait all over again.
 */
export async function waitForLeaders(admin: Admin, topics: readonly string[], { attempts = 120, delayMs = 250 } = {}): Promise<ITopicMetadata[]> {
  return retryRetriable(
    async () => {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const waiting = topics.filter((topic) => {
        const partitions = metadata.find(({ name }) => name === topic)?.partitions ?? [];
        return partitions.length === 0 || partitions.some(({ leader }) => leader < 0);
      });
      if (waiting.length > 0) throw Object.assign(new Error(`Kafka topics without a leader yet: ${waiting.join(', ')}`), { retriable: true });
      return metadata;
    },
    { attempts, delayMs },
  ).catch((error: Error) => {
    throw new Error(`gave up after ${Math.round((attempts * delayMs) / 1000)} s waiting for the leaders of Kafka topics ${topics.join(', ')}: ${error.message}`, { cause: error });
  });
}
