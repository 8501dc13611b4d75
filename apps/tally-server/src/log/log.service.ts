// The service's transparency log (libs/merkle-log): one TransparencyLog over the store, started
// with the module and stopped before the store closes. Its files go under $TALLY_DATA_DIR/log,
// except over an in-memory store (tests), whose log is in memory too: files outliving the store
// would describe another history.
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventStore } from '@tally/event-store';
import { loadLogKey, TransparencyLog, type ReceiptAnswer } from '@tally/merkle-log';
import { generateEd25519KeyPair } from '@tally/signatures';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens';

/** What a receipt is looked up by: where the submission's outcome was recorded. */
export interface RecordedAt {
  readonly state: string;
  readonly stream?: string;
  readonly revision?: string;
  readonly position?: string;
}

@Injectable()
export class LogService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TransparencyLog');
  readonly log: TransparencyLog;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    const inMemory = config.eventStore.kind === 'embedded' && config.eventStore.dataDir === undefined;
    const dir = inMemory ? undefined : config.log.dir;
    const key = loadLogKey(dir ?? '', config.log.keyPem ?? (inMemory ? ephemeralKeyPem() : undefined));
    this.logger.log(`log key ${key.publicKey} (${key.source}); state ${dir ?? 'in memory'}`);
    this.log = new TransparencyLog({ store, dir, privateKey: key.privateKey, publicKey: key.publicKey, headIntervalMs: config.log.headIntervalMs, logger: this.logger });
  }

  async onModuleInit(): Promise<void> {
    await this.log.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.log.stop();
  }

  /** The receipt of a recorded outcome (refusals are recorded too); undefined before it is recorded. */
  async receiptOf(status: RecordedAt): Promise<ReceiptAnswer | undefined> {
    if (status.state === 'queued' || status.stream === undefined || status.revision === undefined || status.position === undefined) return undefined;
    // The receipt carries the event's leaf fields, read back from the store it was recorded in.
    const [event] = await this.store.readStream(status.stream, { fromRevision: BigInt(status.revision), maxCount: 1 });
    if (!event || event.position !== status.position) return { state: 'pending', message: `the store holds no event at ${status.stream} revision ${status.revision}` };
    return this.log.receiptFor(event);
  }
}

/** An in-memory log's key lives as long as the process: a fresh one each start. */
function ephemeralKeyPem(): string {
  return generateEd25519KeyPair().privateKeyPem;
}
