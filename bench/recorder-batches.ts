// How a recorder drained its queue over a bench's span, from its own metrics (tally_recorder_batch_*
// and tally_recorder_appends_total at /metrics): for the notes of the split, night and SSE benches.

/** What the recorders' tally_recorder_batch_* and tally_recorder_appends_total counted. */
export interface RecorderBatches {
  readonly batches: number;
  readonly messages: number;
  /** Their durations summed: delivery to transaction committed and dead letters sent. */
  readonly seconds: number;
  readonly appends: number;
}

/** The recorders' batch counters now, summed over the processes (each one's /metrics, at its base URL). */
async function countersNow(urls: readonly string[]): Promise<RecorderBatches> {
  const sum = { batches: 0, messages: 0, seconds: 0, appends: 0 };
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string): number => {
      const found = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      if (!found) throw new Error(`${name} is not in the metrics of ${url}`);
      return Number(found[1]);
    };
    sum.batches += value('tally_recorder_batch_messages_count');
    sum.messages += value('tally_recorder_batch_messages_sum');
    sum.seconds += value('tally_recorder_batch_seconds_sum');
    sum.appends += value('tally_recorder_appends_total');
  }
  return sum;
}

/** Reads the counters now; the function it returns reads them again and gives what they gained over the span. */
export async function recorderBatchesFrom(urls: readonly string[]): Promise<() => Promise<RecorderBatches>> {
  const before = await countersNow(urls);
  return async () => {
    const after = await countersNow(urls);
    return {
      batches: after.batches - before.batches,
      messages: after.messages - before.messages,
      seconds: after.seconds - before.seconds,
      appends: after.appends - before.appends,
    };
  };
}

/** `12 batches of 50 messages on average, 20 ms each (…), 12 appends`: how the recorders drained the queue. */
export function recorderBatchesNote(b: RecorderBatches, seconds: number, who = 'the recorders'): string {
  if (b.batches === 0) return `${who} recorded no batch`;
  return (
    `${who} recorded ${b.batches} batches, ${(b.messages / b.batches).toFixed(1)} messages each on average, ` +
    `${((1000 * b.seconds) / b.batches).toFixed(1)} ms each from delivery to commit (together ${((100 * b.seconds) / seconds).toFixed(0)}% of the span), ` +
    `${b.appends} appends (${b.appends > b.batches ? 'some decided again after a conflict, or split' : 'one a batch'})`
  );
}
