// The recorder's consumer counts what its batches dead-lettered, by reason code, in the service's
// metrics (every code exported from the start, at 0).
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { ConsumeOptions, SubmissionQueue } from '@tally/intake-queue';
import { loadAppConfig } from '../config/app.config';
import { TallyMetrics } from '../ops/metrics.service';
import type { RecordSubmissionsOutcome } from './record-submissions.command';
import { RecorderService } from './recorder.service';

describe('RecorderService', () => {
  it('counts dead letters by code in tally_dead_letters_total', async () => {
    Logger.overrideLogger(false);
    let handleBatch: ConsumeOptions['handleBatch'] | undefined;
    const queue = {
      topic: 'tally.submissions',
      consume: async (options: ConsumeOptions) => {
        handleBatch = options.handleBatch;
        return { stop: async () => undefined };
      },
      lag: async () => 0,
    } as unknown as SubmissionQueue;
    const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false' });
    const metrics = new TallyMetrics(queue, config);
    const outcomes: RecordSubmissionsOutcome[] = [
      { recorded: 3, refused: 0, skipped: 0, deadLettered: { UNVERIFIED: 2, TOO_LARGE: 1 }, appends: 1 },
      { recorded: 0, refused: 0, skipped: 0, deadLettered: { UNVERIFIED: 1 }, appends: 0 },
    ];
    const bus = { execute: async () => outcomes.shift() } as unknown as CommandBus;
    const service = new RecorderService(queue, config, bus, metrics);
    await service.onApplicationBootstrap();
    for (let i = 0; i < 2; i++) await handleBatch!({ partition: 0, messages: [] });
    const values = (await metrics.deadLetters.get()).values.map((v) => [v.labels.code, v.value]);
    expect(Object.fromEntries(values)).toEqual({ UNDECODABLE: 0, UNVERIFIED: 3, UNSTORABLE: 0, UNKNOWN_ELECTION: 0, TOO_LARGE: 1 });
    await service.onModuleDestroy();
  });

  it('reports a consumer crash as a failure until the member has rejoined its group, with no batch needed', async () => {
    Logger.overrideLogger(false);
    let options: ConsumeOptions | undefined;
    const queue = {
      topic: 'tally.submissions',
      consume: async (o: ConsumeOptions) => {
        options = o;
        return { stop: async () => undefined };
      },
      lag: async () => 0,
    } as unknown as SubmissionQueue;
    const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false' });
    const service = new RecorderService(queue, config, { execute: async () => undefined } as unknown as CommandBus, new TallyMetrics(queue, config));
    await service.onApplicationBootstrap();
    options!.onError!(new Error("The coordinator is loading and hence can't process requests for this group"));
    expect(service.status()).toMatchObject({ failures: 1, lastError: "The coordinator is loading and hence can't process requests for this group" });
    options!.onJoined!();
    expect(service.status().failures).toBe(0);
    await service.onModuleDestroy();
  });
});
