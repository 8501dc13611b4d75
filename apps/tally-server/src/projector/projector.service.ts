// The projector role in the service: @tally/projection's ResultsProjector engine over the
// configured store and the election registry, started with the application and stopped
// (snapshot saved) with it.
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventStore } from '@tally/event-store';
import { ResultsProjector } from '@tally/projection';
import type { AppConfig } from '../config/app.config';
import { ElectionRegistry } from '../elections/election-registry.service';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens';

/**
 * Snapshots live beside the embedded store's files. The server engines (PostgreSQL, EventStoreDB)
 * do not expose TALLY_DATA_DIR through the app config yet, so there the projector replays from
 * zero on start (seconds for a national election; see the bench).
 */
export function projectionsDir(config: AppConfig): string | undefined {
  return config.eventStore.kind === 'embedded' && config.eventStore.dataDir ? join(config.eventStore.dataDir, 'projections') : undefined;
}

@Injectable()
export class ProjectorService implements OnModuleInit, OnModuleDestroy {
  readonly engine: ResultsProjector;

  constructor(@Inject(EVENT_STORE) store: EventStore, registry: ElectionRegistry, @Inject(APP_CONFIG) config: AppConfig) {
    this.engine = new ResultsProjector({ store, elections: registry, snapshotDir: projectionsDir(config), logger: new Logger('Projector') });
  }

  async onModuleInit(): Promise<void> {
    await this.engine.start();
  }

  // Destroy hooks all run before the store closes (it closes on application shutdown).
  async onModuleDestroy(): Promise<void> {
    await this.engine.stop();
  }
}
