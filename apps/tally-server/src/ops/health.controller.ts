// Liveness (the process answers) and readiness: the queue and the store answer, within a bound,
// and each role of this process is doing its work — the store subscriptions (projector, election
// registry, submission status, transparency log) follow (not failed, not restarting), the recorder's batches are recorded,
// and an intake's queue has a recorder reading it. Readiness is 503 while any of that is not so;
// liveness stays 200 (the supervisors recover by themselves: a restart of the process is not
// the cure).
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { HttpReply } from '../http/http-request';
import { sendJson } from '../http/send-json';
import { categories, categoryFilter, type EventFilter, type EventStore, type SupervisedStatus } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { PROJECTED_CATEGORIES } from '@tally/projection';
import type { AppConfig } from '../config/app.config';
import { ElectionRegistry } from '../elections/election-registry.service';
import { APP_CONFIG, EVENT_STORE, SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { LogService } from '../log/log.service';
import { ProjectorService } from '../projector/projector.service';
import { RecorderService } from '../recorder/recorder.service';
import { SubmissionStatusService } from '../submissions/submission-status.service';

const CHECK_TIMEOUT_MS = 3000;
/** A recorder error older than this, with no batch since, no longer makes the recorder red. */
const RECORDER_ERROR_WINDOW_MS = 30_000;
/** How far the lag of a subscription is counted; beyond it, `behindAtLeast` says so. */
const LAG_SCAN = 1000;

type Up = { readonly status: 'up' };
type Down = { readonly status: 'down'; readonly error: string };
type Check = Up | Down;
type Detailed = (Up | Down) & Readonly<Record<string, unknown>>;

function withTimeout<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work(),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function check(work: () => Promise<unknown>): Promise<Check> {
  try {
    await withTimeout(work);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: message(e) };
  }
}

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly modules: ModuleRef,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness (503 otherwise): the submission queue and the event store answer; per role, the projector’s and the election registry’s subscriptions follow the store (state, attempt, last error, events behind), the recorder records its batches, an intake’s recorder group has members',
  })
  async ready(@Res() res: HttpReply): Promise<void> {
    const roles = new Set(this.config.roles);
    const registry = this.modules.get(ElectionRegistry, { strict: false });
    const checks: Record<string, Promise<Check | Detailed>> = {
      // A read of a stream that never exists touches the store's connection and nothing else;
      // ensureTopics asks the broker for the topic (idempotent).
      store: check(() => this.store.readStream('health-probe', { maxCount: 1 })),
      queue: check(() => this.queue.ensureTopics()),
      registry: this.subscriptionCheck(registry.subscriptionStatus(), categoryFilter(categories.election)),
      // What a submission's status (and intake's retry detection) reads.
      submissions: this.subscriptionCheck(
        this.modules.get(SubmissionStatusService, { strict: false }).subscriptionStatus(),
        categoryFilter(categories.precinct, categories.intakeRejections),
      ),
    };
    if (this.config.log.enabled) checks.log = this.subscriptionCheck(this.modules.get(LogService, { strict: false }).log.subscriptionStatus(), undefined);
    if (roles.has('projector')) {
      const projector = this.modules.get(ProjectorService, { strict: false }).engine.status();
      // A rebuild replays from zero with the subscription stopped; the old views serve meanwhile.
      checks.projector = projector.rebuilding
        ? Promise.resolve({ status: 'up', state: 'rebuilding', position: projector.position })
        : this.subscriptionCheck(projector.subscription, PROJECTED_CATEGORIES);
    }
    if (roles.has('recorder')) checks.recorder = Promise.resolve(this.recorderCheck(this.modules.get(RecorderService, { strict: false })));
    if (roles.has('intake')) checks.recorders = this.recordersCheck();
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => checks[name]));
    const up = results.every((r) => r.status === 'up');
    sendJson(res, up ? 200 : 503, { status: up ? 'up' : 'down', checks: Object.fromEntries(names.map((name, i) => [name, results[i]])) });
  }

  /** Down while failed or restarting (with the error and attempt); up while it follows, with how far behind the store's end it is. */
  private async subscriptionCheck(status: SupervisedStatus | null | undefined, filter: EventFilter | undefined): Promise<Detailed> {
    if (!status) return { status: 'down', error: 'not subscribed (starting, stopped or rebuilding)' };
    const { state, position, attempt, restarts, lastError, lastErrorAt } = status;
    const facts = { state, position, attempt, restarts, lastError, lastErrorAt };
    if (state === 'restarting' || state === 'stopped') {
      return { status: 'down', error: state === 'stopped' ? 'its subscription is stopped' : `its subscription failed (${lastError}); resubscribing, attempt ${attempt}`, ...facts };
    }
    try {
      // Events committed beyond its position, counted up to LAG_SCAN: lag is reported, not judged.
      const page = await withTimeout(() => this.store.readAll({ from: position, filter, batchSize: LAG_SCAN }));
      return { status: 'up', ...facts, behind: page.events.length, behindAtLeast: !page.isEnd };
    } catch (e) {
      return { status: 'up', ...facts, behind: null, behindError: message(e) };
    }
  }

  private recorderCheck(recorder: RecorderService): Detailed {
    const status = recorder.status();
    if (!status.consuming) return { status: 'down', error: 'the recorder has not joined its consumer group', ...status };
    // A failing batch comes again within a second or so, refreshing lastErrorAt; an error followed
    // by silence (a consumer crash and restart with nothing to read since) is not a failing recorder.
    const recent = status.lastErrorAt !== null && Date.now() - Date.parse(status.lastErrorAt) < RECORDER_ERROR_WINDOW_MS;
    if (status.failures > 0 && recent) {
      return { status: 'down', error: `the last ${status.failures} batch(es) failed (${status.lastError}); they come again, their offsets not committed`, ...status };
    }
    return { status: 'up', ...status };
  }

  /**
   * Intake acknowledges what it queued: red while no recorder is in the group that reads the
   * queue, so a load balancer sends nothing to an intake whose submissions nobody would record.
   */
  private async recordersCheck(): Promise<Detailed> {
    const groupId = this.config.recorder.groupId;
    try {
      const members = await withTimeout(() => this.queue.groupMembers(groupId));
      if (members === 0) return { status: 'down', error: `no recorder is a member of consumer group ${groupId} (TALLY_RECORDER_GROUP): nothing would record what intake accepts`, groupId, members };
      return { status: 'up', groupId, members };
    } catch (e) {
      return { status: 'down', error: `the members of consumer group ${groupId} are not known: ${message(e)}`, groupId };
    }
  }
}
