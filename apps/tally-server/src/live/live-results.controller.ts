// GET …/commissions/{cid}/events: the commission's results as server-sent events. Checks the
// ids (404 problem+json before any stream starts), then hands the response to the service.
import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { HttpReply, HttpRequest } from '../http/http-request';
import { problem, ProblemException } from '../http/problem';
import { ProjectorService } from '../projector/projector.service';
import { notFound } from '../results/results.controller';
import { ChunkedSocketStream } from './chunked-socket-stream';
import { LiveResultsService } from './live-results.service';

@ApiTags('live')
@Controller('v1/elections')
export class LiveResultsController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly live: LiveResultsService,
  ) {}

  @Get(':electionId/commissions/:commissionId/events')
  @ApiOperation({
    summary: 'Live results of one commission (server-sent events).',
    description: [
      'Frames: `id:` = the store position the figures reflect; `event:` = `snapshot` | `results` | `reset`; `data:` = JSON.',
      '`snapshot` and `reset`: the commission payload whole (same shape as GET …/commissions/{commissionId}) plus `"full": true`.',
      '`results`: a delta, `{ "full": false, "since": <id of the previous frame>, "patch": … }`, to apply to the payload of frame `since` (any other payload: reconnect for a snapshot).',
      'The patch names only what changed: a string, number, boolean or null is the new value; `{ "=": v }` is the new value v whole;',
      'any other object patches member by member (against an array its keys are indices, an index at the old length appends), members not named unchanged.',
      'First frame: `snapshot`, unless Last-Event-ID is the id of a frame the channel still holds (or of the state its oldest follows), in which case exactly the missed `results` frames follow.',
      'At most one `results` frame per commission per window (TALLY_SSE_WINDOW_MS, longer when the process holds more subscribers than TALLY_SSE_MAX_WRITES_PER_S frames a second serve); a `reset` (full) after an admin rebuild; a `: heartbeat` comment every 15 s.',
      'A subscriber that does not read is sent nothing until it does, then the frames it missed or one `snapshot`.',
    ].join(' '),
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The last frame id received: resume without gap or duplicate.' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'Same as the Last-Event-ID header, for clients that cannot set headers.' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  @ApiNotFoundResponse({ description: 'Unknown election or commission (application/problem+json).' })
  @ApiServiceUnavailableResponse({ description: 'SUBSCRIBERS_FULL: the process holds as many streams (or commissions) as it may; Retry-After says when to try again.' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS: this client address holds as many streams as one address may (TALLY_SSE_MAX_PER_ADDRESS); Retry-After says when to try again.' })
  events(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): void {
    const view = this.projector.engine.view(electionId);
    if (!view) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election "${electionId}"`)]);
    if (!view.election.commission(commissionId)) throw notFound('commissionId', `no commission "${commissionId}" in election "${electionId}"`);
    // The client's address as the rate limit counts it: the socket's, or behind TALLY_TRUST_PROXY the forwarded one; an IPv6 /64 as one.
    const address = normalizeIp(req.ip);
    const full = this.live.admit(electionId, commissionId, address);
    if (full?.limitKind === 'streams of one address') {
      throw new ProblemException(
        [problem('TOO_MANY_REQUESTS', '', `this address holds ${full.limit} live streams, as many as one address may (TALLY_SSE_MAX_PER_ADDRESS); close one, or try again after Retry-After`, { limit: full.limit, limitKind: full.limitKind })],
        { 'Retry-After': String(full.retryAfterSeconds) },
      );
    }
    if (full) {
      throw new ProblemException(
        [problem('SUBSCRIBERS_FULL', '', `this process holds as many live ${full.limitKind} as it may (${full.limit}); try again after Retry-After`, { limit: full.limit, limitKind: full.limitKind })],
        { 'Retry-After': String(full.retryAfterSeconds) },
      );
    }
    // The stream is the service's to write from here on: Fastify stays out of this response.
    res.hijack();
    this.live.connect(electionId, commissionId, lastEventIdHeader ?? lastEventIdQuery, new ChunkedSocketStream(res.raw), address);
  }
}
