// Admin calls that race another process's: a topic another instance has just created is known to
// the controller before every broker's metadata cache, so a metadata or config read right after
// answers UNKNOWN_TOPIC_OR_PARTITION for a moment. kafkajs marks such errors `retriable`.

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
