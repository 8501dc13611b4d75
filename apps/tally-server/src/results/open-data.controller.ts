// Open data: the official-format exports of an election — every commission and precinct, NIST SP
// 1500-100 v2 CDF (JSON) and per-precinct CSV — public at stable URLs once the results embargo
// is over. The bytes are @tally/audit's export (the same as `tally audit export` and the
// auditors' endpoint) at the election's last recorded event. One build per election and format
// while nothing has changed — neither the projector's position nor the acts on the count (a
// certification makes the CDF `certified`) — shared by every reader; `ETag` is the format and
// the export's position, so a reader polling an unchanged count gets 304 without a rebuild.
import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { exportElection, type ExportFormat, type ExportResult } from '@tally/audit';
import type { EventStore } from '@tally/event-store';
import type { HttpReply } from '../http/http-request';
import { problem, ProblemException } from '../http/problem';
import { EVENT_STORE } from '../infrastructure/tokens';
import { ElectionRegistry } from '../elections/election-registry.service';
import { ProjectorService } from '../projector/projector.service';
import { ResultsEmbargo } from './embargo';
import { electionView, EMBARGOED } from './results.controller';

interface Built {
  /** What the build was made for: the projector's position and the number of acts recorded. */
  readonly basis: string;
  readonly result: Promise<{ readonly value: ExportResult; readonly etag: string }>;
}

const FILES: Record<string, ExportFormat> = { 'results.cdf.json': 'cdf', 'results.csv': 'csv' };

@ApiTags('open data')
@Controller('v1/elections')
export class OpenDataController {
  private readonly built = new Map<string, Built>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: ProjectorService,
    private readonly embargo: ResultsEmbargo,
    private readonly registry: ElectionRegistry,
  ) {}

  @Get(':electionId/open-data/:file')
  @ApiOperation({
    summary:
      'The election’s results, every commission and precinct: `results.cdf.json` (NIST SP 1500-100 v2 CDF) or `results.csv` (per precinct, with provenance). Public once the embargo is over. ' +
      '`X-Tally-Results-Status` (and the CDF’s Status) says how final: unofficial-partial, unofficial-complete, certified (the official results: every body’s seats certified). Conditional GET with If-None-Match.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'file', enum: Object.keys(FILES) })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'The export; `ETag`, `X-Tally-Position` (the store position it reflects) and `X-Tally-Results-Status`. 304 when If-None-Match names it.' })
  @ApiNotFoundResponse({ description: 'Unknown election or file (problem+json).' })
  @ApiForbiddenResponse(EMBARGOED)
  async file(
    @Param('electionId') electionId: string,
    @Param('file') file: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: HttpReply,
  ): Promise<void> {
    const view = electionView(this.projector, electionId);
    const format = FILES[file];
    if (format === undefined) throw new ProblemException([problem('NOT_FOUND', 'file', `no open-data file "${file}"; there are ${Object.keys(FILES).join(' and ')}`)]);
    this.embargo.assertPublic(view.election.definition, authorization, 'Open-data exports');
    const acts = [...(this.registry.lifecycle(electionId)?.acts.values() ?? [])].reduce((n, a) => n + a.length, 0);
    const { value, etag } = await this.build(electionId, format, `${view.cursor.position ?? 'definition'}/${acts}`);
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=10, must-revalidate' };
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
      res.code(304).headers(headers).send();
      return;
    }
    res
      .code(200)
      .headers({
        ...headers,
        'Content-Type': value.contentType,
        'X-Tally-Position': value.position,
        'X-Tally-Results-Status': value.status,
      })
      .send(value.body);
  }

  private build(electionId: string, format: ExportFormat, basis: string): Built['result'] {
    const key = `${electionId}\u0000${format}`;
    const kept = this.built.get(key);
    if (kept && kept.basis === basis) return kept.result;
    const result = exportElection(this.store, { electionId, format }).then((r) => {
      if (!r.ok) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', r.error.message)]);
      return { value: r.value, etag: `"${format}-${r.value.position}"` };
    });
    const built = { basis, result };
    // A failed build is not kept: the next reader tries again.
    result.catch(() => {
      if (this.built.get(key) === built) this.built.delete(key);
    });
    this.built.set(key, built);
    return result;
  }
}
