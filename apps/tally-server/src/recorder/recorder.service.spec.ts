// The recorder's consumer counts what its batches dead-lettered, by reason code, in the service's
// metrics (every code exported from the start, at 0), and each recorded batch's size, duration and
// appends; a batch that failed is not counted (it comes again).
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { ConsumeOptions, DeliveredMessage, SubmissionQueue } from '@tally/intake-queue';
import { loadAppConfig } from '../config/app.config';
import { TallyMetrics } from '../ops/metrics.service';
import type { RecordSubmissionsOutcome } from './record-submissions.command';
import { RecorderService } from './recorder.service';

/** A queue whose consume hands its options to the test, which then delivers the batches and calls back. */
function fakeQueue(): { queue: SubmissionQueue; consumed: () => ConsumeOptions } {
  let options: ConsumeOptions | undefined;
  const queue = {
    topic: 'tally.submissions',
    consume: async (o: ConsumeOptions) => {
      options = o;
      return { stop: async () => undefined };
    },
    lag: async () => 0,
  } as unknown as SubmissionQueue;
  return { queue, consumed: () => options! };
}

describe('RecorderService', () => {
  it('counts dead letters by code in tally_dead_letters_total', async () => {
    Logger.overrideLogger(false);
    const { queue, consumed } = fakeQueue();
    const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false' });
    const metrics = new TallyMetrics(queue, config);
    const outcomes: RecordSubmissionsOutcome[] = [
      { recorded: 3, refused: 0, skipped: 0, deadLettered: { UNVERIFIED: 2, TOO_LARGE: 1 }, appends: 1 },
      { recorded: 0, refused: 0, skipped: 0, deadLettered: { UNVERIFIED: 1 }, appends: 0 },
    ];
    const bus = { execute: async () => outcomes.shift() } as unknown as CommandBus;
    const service = new RecorderService(queue, config, bus, metrics);
    await service.onApplicationBootstrap();
    for (let i = 0; i < 2; i++) await consumed().handleBatch({ partition: 0, messages: [] });
    const values = (await metrics.deadLetters.get()).values.map((v) => [v.labels.code, v.value]);
    expect(Object.fromEntries(values)).toEqual({ UNDECODABLE: 0, UNVERIFIED: 3, UNSTORABLE: 0, UNKNOWN_ELECTION: 0, TOO_LARGE: 1, MISDATED: 0 });
    await service.onModuleDestroy();
  });

  it('observes each recorded batch: its messages, its duration and its appends; a failed batch is not counted', async () => {
    Logger.overrideLogger(false);
    const { queue, consumed } = fakeQueue();
    const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false' });
    const metrics = new TallyMetrics(queue, config);
    const results: (RecordSubmissionsOutcome | Error)[] = [
      { recorded: 3, refused: 1, skipped: 0, deadLettered: {}, appends: 1 },
      new Error('the store is down'),
      // A conflict with another writer: decided again, appended twice.
      { recorded: 40, refused: 0, skipped: 2, deadLettered: {}, appends: 2 },
    ];
    const bus = {
      execute: async () => {
        const next = results.shift()!;
        if (next instanceof Error) throw next;
        // The batch takes a while: its duration is observed from delivery to the handler's end.
        await new Promise((resolve) => setTimeout(resolve, 30));
        return next;
      },
    } as unknown as CommandBus;
    const service = new RecorderService(queue, config, bus, metrics);
    await service.onApplicationBootstrap();
    const message: DeliveredMessage = { key: 'p-1', value: Buffer.from('{}'), offset: '0', headers: {} };
    await consumed().handleBatch({ partition: 0, messages: Array.from({ length: 4 }, () => message) });
    await expect(consumed().handleBatch({ partition: 0, messages: Array.from({ length: 9 }, () => message) })).rejects.toThrow('the store is down');
    await consumed().handleBatch({ partition: 1, messages: Array.from({ length: 42 }, () => message) });

    const sizes = (await metrics.recorderBatchMessages.get()).values;
    expect(sizes.find((v) => v.metricName === 'tally_recorder_batch_messages_count')?.value).toBe(2);
    expect(sizes.find((v) => v.metricName === 'tally_recorder_batch_messages_sum')?.value).toBe(46);
    // 4 is at most 5, 42 at most 50: the buckets count them where they fall.
    expect(sizes.find((v) => v.metricName === 'tally_recorder_batch_messages_bucket' && v.labels.le === 5)?.value).toBe(1);
    expect(sizes.find((v) => v.metricName === 'tally_recorder_batch_messages_bucket' && v.labels.le === 50)?.value).toBe(2);
    const seconds = (await metrics.recorderBatchSeconds.get()).values;
    expect(seconds.find((v) => v.metricName === 'tally_recorder_batch_seconds_count')?.value).toBe(2);
    // Each took the handler's 30 ms at least (timers may fire a little early: 25).
    expect(seconds.find((v) => v.metricName === 'tally_recorder_batch_seconds_sum')?.value).toBeGreaterThanOrEqual(0.05);
    expect(seconds.find((v) => v.metricName === 'tally_recorder_batch_seconds_bucket' && v.labels.le === 0.01)?.value).toBe(0);
    expect((await metrics.recorderAppends.get()).values[0].value).toBe(3);
    await service.onModuleDestroy();
  });

  it('reports a consumer crash as a failure until the member has rejoined its group, with no batch needed', async () => {
    Logger.overrideLogger(false);
    const { queue, consumed } = fakeQueue();
    const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false' });
    const service = new RecorderService(queue, config, { execute: async () => undefined } as unknown as CommandBus, new TallyMetrics(queue, config));
    await service.onApplicationBootstrap();
    consumed().onError!(new Error("The coordinator is loading and hence can't process requests for this group"));
    expect(service.status()).toMatchObject({ failures: 1, lastError: "The coordinator is loading and hence can't process requests for this group" });
    consumed().onJoined!();
    expect(service.status().failures).toBe(0);
    await service.onModuleDestroy();
  });
});
