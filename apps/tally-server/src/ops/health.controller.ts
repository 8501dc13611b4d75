// Liveness (the process answers) and readiness (the queue and the store answer, within a bound).
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { ServerResponse } from 'node:http';
import type { EventStore } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../infrastructure/tokens';

const CHECK_TIMEOUT_MS = 3000;

type Check = { readonly status: 'up' } | { readonly status: 'down'; readonly error: string };

async function check(work: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the submission queue and the event store answer (503 otherwise)' })
  async ready(@Res() res: ServerResponse): Promise<void> {
    // A read of a stream that never exists touches the store's connection and nothing else;
    // ensureTopics asks the broker for the topic (idempotent).
    const [store, queue] = await Promise.all([check(() => this.store.readStream('health-probe', { maxCount: 1 })), check(() => this.queue.ensureTopics())]);
    const up = store.status === 'up' && queue.status === 'up';
    res.statusCode = up ? 200 : 503;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ status: up ? 'up' : 'down', checks: { store, queue } }));
  }
}
