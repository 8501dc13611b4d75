// Intake reads the dead-letter topic for the submissions it acknowledged. Intake runs the
// recorders' checks before its 202, so a letter for an acknowledged submission means the two
// disagree: a recorder given a tighter receivedAt bound, one that still does not know the election,
// a store that refused the write twice. Without this, the commission's status said "queued" for
// ever. Each letter whose envelope is an attempt this process queued (same submission id,
// receivedAt and signature) becomes a SubmissionSetAside record in the election's history
// (set-aside.events.ts), and the status says set-aside, with the letter's reason. Letters of other
// processes' attempts, and copies a topic writer made, match nothing here and are left alone: they
// stay on the dead-letter topic for the operators, as every letter does.
//
// Each intake process reads the letters in a group of its own (`<recorder group>-intake-<instance>`,
// under the same ACL prefix as the recorders'): its queued attempts are in its memory only, so no
// other process could match them. A new group starts at the letters of this process's lifetime
// (setAsideReadFrom), not at the topic's oldest: the topic keeps its letters for good, and no
// earlier letter can be of an attempt queued here.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { unstorableJson } from '@tally/event-store';
import { decodeEnvelope, fromDeliveredDeadLetter, toCommand, type MessageBatch, type QueueConsumer, type SubmissionQueue } from '@tally/intake-queue';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG, SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { signatureTag } from '../submissions/submission-id';
import { SubmissionStatusService } from '../submissions/submission-status.service';
import { IntakeRejectionLog } from './intake-rejection-log.service';
import { SET_ASIDE_TYPE, type SubmissionSetAside } from './set-aside.events';

/** Attempts written by this process, so that a letter delivered again is not written twice (bounded: set-asides are rare). */
const MAX_REMEMBERED = 100_000;

/** The group a process reads the letters in: its own, as only it knows what it queued. */
export function setAsideGroupId(config: Pick<AppConfig, 'recorder'>): string {
  return `${config.recorder.groupId}-intake-${config.recorder.instanceId ?? randomUUID()}`;
}

/** The margin before this process's start a new group reads from: the recorders stamp their letters by their own clocks. */
const START_MARGIN_MS = 60_000;

/**
 * Where a new group starts reading: the letters stamped from this process's start on, less the
 * clock skew the servers may have (TALLY_MAX_CLOCK_SKEW_S) and a minute. Every attempt this
 * process queues is queued after its start, and its letter is written after that.
 */
export function setAsideReadFrom(config: Pick<AppConfig, 'receivedAt'>, startedAt: Date): Date {
  return new Date(startedAt.getTime() - config.receivedAt.maxClockSkewMs - START_MARGIN_MS);
}

@Injectable()
export class SetAsideWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Intake');
  private consumer: QueueConsumer | undefined;
  private started: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly written = new Set<string>();

  constructor(
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly status: SubmissionStatusService,
    private readonly log: IntakeRejectionLog,
  ) {}

  /** Before intake takes its first submission: no attempt of this process is older. */
  private readonly startedAt = new Date();

  /**
   * Not awaited by the start-up: intake takes submissions whether or not the letters can be read
   * yet (a broker still electing leaders, say), and its group, new, reads them from this
   * process's start, so none is missed meanwhile. Tried again until it joins or the module stops.
   */
  onApplicationBootstrap(): void {
    this.started = this.start(setAsideGroupId(this.config), 0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.retry) clearTimeout(this.retry);
    await this.started;
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async start(groupId: string, attempt: number): Promise<void> {
    try {
      const consumer = await this.queue.deadLetters.consume({
        groupId,
        startAt: setAsideReadFrom(this.config, this.startedAt),
        handleBatch: (batch) => this.handle(batch),
        onError: (error) => this.logger.warn(`dead letters not read, they will come again: ${error instanceof Error ? error.message : String(error)}`),
      });
      if (this.stopping) return void (await consumer.stop());
      this.consumer = consumer;
      this.logger.log(`reading ${this.queue.deadLetters.topic} as group ${groupId} for the submissions acknowledged here`);
    } catch (error) {
      if (this.stopping) return;
      const delay = Math.min(30_000, 1000 * 2 ** attempt);
      this.logger.warn(`cannot read ${this.queue.deadLetters.topic} yet (${error instanceof Error ? error.message : String(error)}); trying again in ${delay} ms`);
      this.retry = setTimeout(() => (this.started = this.start(groupId, attempt + 1)), delay);
    }
  }

  /** Writes a record for each letter of an attempt queued here; rejects (the batch comes again) when the store does. */
  async handle(batch: MessageBatch): Promise<void> {
    for (const message of batch.messages) {
      const event = this.setAsideOf(message);
      if (event === undefined) continue;
      const key = `${event.data.submissionId}/${event.data.receivedAt}`;
      if (this.written.has(key)) continue;
      await this.log.recordSetAside(event);
      if (this.written.size >= MAX_REMEMBERED) this.written.clear();
      this.written.add(key);
      this.logger.warn(
        `submission ${event.data.submissionId} (${event.data.precinctId}, received ${event.data.receivedAt}) was acknowledged here and set aside by a recorder: ${event.data.code} ${event.data.reason}; its status says so, and the same body sent again is queued anew`,
      );
    }
  }

  /** The record of a letter, when its envelope is the very attempt this process queued. */
  private setAsideOf(message: MessageBatch['messages'][number]): SubmissionSetAside | undefined {
    let letter;
    try {
      letter = fromDeliveredDeadLetter(message);
    } catch {
      return undefined; // not a letter: nothing of ours
    }
    const decoded = decodeEnvelope(letter.value);
    if (!decoded.ok) return undefined;
    const { envelope } = decoded;
    const queued = this.status.queuedHere(envelope.submissionId);
    if (!envelope.signature || queued === undefined || queued.receivedAt !== envelope.receivedAt || queued.signatureTag !== signatureTag(envelope.signature.value)) return undefined;
    const command = toCommand(envelope);
    return {
      type: SET_ASIDE_TYPE,
      data: {
        submissionId: envelope.submissionId,
        electionId: envelope.electionId,
        precinctId: envelope.precinctId,
        submittedBy: envelope.submittedBy,
        kind: envelope.kind,
        receivedAt: envelope.receivedAt,
        code: letter.reason.code,
        // The recorder's words may quote what it refused: no NUL or lone surrogate reaches the store
        // (UTF-8 has no lone surrogate: the round trip makes each U+FFFD).
        reason: Buffer.from(letter.reason.message, 'utf8').toString('utf8').replaceAll('\u0000', '\ufffd'),
        deadLetter: { topic: letter.source.topic, partition: letter.source.partition, offset: letter.source.offset, at: letter.deadLetteredAt },
        // What the store cannot keep (UNSTORABLE: a 1e999, a NUL) is left out: the letter keeps every byte.
        ...(unstorableJson(command, 'command') === undefined ? { command } : {}),
      },
    };
  }
}
