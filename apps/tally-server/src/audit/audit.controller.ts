// The auditor's HTTP surface (bearer token of the auditor role): the recorded history, paged in
// global order or by stream; the events behind a figure; the results exported at a position.
// Parse, call @tally/audit (the same code as `tally audit`), present. Nothing is computed here.
import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { explain, exportElection, historyPage, parseBound, streamPage, type Bound, type Explanation, type HistoryPage, type StreamPage } from '@tally/audit';
import { START_POSITION, type EventStore } from '@tally/event-store';
import type { HttpReply } from '../http/http-request';
import { z } from 'zod';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { problem, ProblemException } from '../http/problem';
import { parseQuery } from '../http/query';
import { EVENT_STORE } from '../infrastructure/tokens';

const POSITION = /^\d+:\d+$/;
const Limit = z.coerce.number().int().min(1).max(1000).default(100);

const EventsQuery = z.object({ from: z.string().regex(POSITION, 'a store position such as 812:40311').optional(), limit: Limit }).strict();
const StreamQuery = z.object({ fromRevision: z.string().regex(/^\d+$/, 'a revision (0, 1, 2, …)').optional(), limit: Limit }).strict();
const ExplainQuery = z
  .object({ commission: z.string().min(1), contest: z.string().min(1), choice: z.string().optional(), until: z.string().optional(), turnout: z.string().min(1).optional() })
  .strict();
const ExportQuery = z.object({ format: z.enum(['cdf', 'csv']).default('cdf'), until: z.string().optional() }).strict();

function bound(until: string | undefined): Bound | undefined {
  if (until === undefined) return undefined;
  const parsed = parseBound(until);
  if (!parsed.ok) throw new ProblemException([problem('MALFORMED', 'until', parsed.error)]);
  return parsed.value;
}

@ApiTags('audit')
@ApiBearerAuth()
@UseGuards(ApiRoleGuard)
@RequireRole('auditor')
@ApiUnauthorizedResponse({ description: 'No or a wrong auditor token (problem+json).' })
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('events')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Every recorded event in global order, after `from` (exclusive), with data, metadata (hash links) and record time. Follow `next` until it is null.' })
  @ApiQuery({ name: 'from', required: false, description: 'Store position (exclusive); the start by default.' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100.' })
  @ApiOkResponse({ description: '{ events: [{ position, streamName, revision, id, type, recordedAt, data, metadata }], next: position | null }' })
  events(@Query() query: unknown): Promise<HistoryPage> {
    const q = parseQuery(EventsQuery, query);
    return historyPage(this.store, q.from ?? START_POSITION, q.limit);
  }

  @Get('streams/:stream')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "One stream's events by revision (e.g. precinct-<election>.<precinct>, election-<election>). Follow `nextRevision` until it is null." })
  @ApiParam({ name: 'stream' })
  @ApiQuery({ name: 'fromRevision', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100.' })
  @ApiOkResponse({ description: '{ streamName, events: [...], nextRevision: string | null }' })
  async stream(@Param('stream') stream: string, @Query() query: unknown): Promise<StreamPage> {
    const q = parseQuery(StreamQuery, query);
    const page = await streamPage(this.store, stream, BigInt(q.fromRevision ?? '0'), q.limit);
    if (page.events.length === 0 && (q.fromRevision ?? '0') === '0') throw new ProblemException([problem('NOT_FOUND', 'stream', `no stream "${stream}"`)]);
    return page;
  }

  @Get('elections/:electionId/explain')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The events behind a figure of one commission and contest: every protocol version with position, submitter, signature (verified), correction reason and changed lines, the refusals (by the decider, and at intake: refusedAtIntake), the attempts a recorder set aside (setAside), and how the counted ones add up.' })
  @ApiQuery({ name: 'commission', required: true })
  @ApiQuery({ name: 'contest', required: true })
  @ApiQuery({ name: 'choice', required: false, description: 'Comma-separated list/candidate ids, against-all, invalid.' })
  @ApiQuery({ name: 'until', required: false, description: 'Store position or ISO 8601 instant; the whole store by default.' })
  @ApiQuery({ name: 'turnout', required: false, description: "A reporting time of the definition (e.g. 14:00): also the running turnout then and every precinct's reports behind it (`turnout`)." })
  async explain(@Param('electionId') electionId: string, @Query() query: unknown): Promise<Explanation> {
    const q = parseQuery(ExplainQuery, query);
    const choices = q.choice?.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
    const result = await explain(this.store, { electionId, commissionId: q.commission, contestId: q.contest, choices, until: bound(q.until), turnoutTime: q.turnout });
    if (result.ok) return result.value;
    switch (result.error.code) {
      case 'UNKNOWN_ELECTION':
        throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', result.error.message)]);
      case 'UNKNOWN_COMMISSION':
        throw new ProblemException([problem('NOT_FOUND', 'commission', result.error.message)]);
      case 'UNKNOWN_CONTEST':
        throw new ProblemException([problem('NOT_FOUND', 'contest', result.error.message)]);
      case 'UNKNOWN_CHOICE':
        throw new ProblemException([problem('UNKNOWN_CHOICE', 'choice', result.error.message)]);
      case 'UNKNOWN_TURNOUT_TIME':
        throw new ProblemException([problem('NOT_FOUND', 'turnout', result.error.message)]);
      default: {
        const never: never = result.error;
        throw new Error(`unknown explain error ${JSON.stringify(never)}`);
      }
    }
  }

  @Get('elections/:electionId/export')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'NIST SP 1500-100 v2 results (format=cdf, JSON) or per-precinct CSV (format=csv) at a store position; `X-Tally-Position` names it. Same position, same bytes.' })
  @ApiQuery({ name: 'format', required: false, enum: ['cdf', 'csv'] })
  @ApiQuery({ name: 'until', required: false })
  @ApiProduces('application/json', 'text/csv')
  async export(@Param('electionId') electionId: string, @Query() query: unknown, @Res() res: HttpReply): Promise<void> {
    const q = parseQuery(ExportQuery, query);
    const result = await exportElection(this.store, { electionId, format: q.format, until: bound(q.until) });
    if (!result.ok) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', result.error.message)]);
    res
      .code(200)
      .headers({
        'Content-Type': result.value.contentType,
        'X-Tally-Position': result.value.position,
        'X-Tally-Results-Status': result.value.status,
        // Records that do not decode (verify fails them) give no provenance: said, not hidden.
        ...(result.value.unreadable.length > 0 ? { 'X-Tally-Unreadable-Records': String(result.value.unreadable.length) } : {}),
      })
      .send(result.value.body);
  }
}
