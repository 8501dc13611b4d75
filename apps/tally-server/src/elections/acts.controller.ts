// The commissions' acts on the count over HTTP: a territorial commission's result protocol
// (summary), the certification of a body's seats and its decertification (lifecycle.ts). POST
// takes a signed body — the signature is the authority, as for a protocol, so no API token is
// asked — and hands it as RecordAct to the registry: the domain's election decider judges the
// sequence, the signature and the content against the sums of the recorded protocols. A refused
// act records nothing (it is answered at once, every problem named). GET (public): every act
// recorded, and the next sequence number of each commission that has acted. GET draft (admin or
// auditor token, since it holds figures the embargo may still withhold): the unsigned act the
// recorded protocols give, for a commission to review and sign (act-draft.ts).
import { Body, Controller, Get, Header, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActRecordedData } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import type { HttpReply, HttpRequest } from '../http/http-request';
import { problem, ProblemException } from '../http/problem';
import { parseQuery } from '../http/query';
import { EVENT_STORE } from '../infrastructure/tokens';
import { problemSchema } from '../intake/intake.openapi';
import { ActDraftQuery, draftAct, type ActDraft } from './act-draft';
import { ElectionRegistry } from './election-registry.service';
import { sendJson } from '../http/send-json';
import { unavailableOnConflict } from './stream-conflict';

export interface ActList {
  readonly electionId: string;
  /** By commission: the sequence number its next act is signed with (absent: 1). */
  readonly next: Readonly<Record<string, number>>;
  /** Every act recorded, by commission then sequence. */
  readonly acts: readonly ActRecordedData[];
  /** The bodies whose seats are certified now, with the act that certified them. */
  readonly certified: Readonly<Record<string, { readonly sequence: number; readonly receivedAt: string; readonly votesDigest: string }>>;
}

const signedActSchema = {
  type: 'object',
  required: ['sequence', 'act', 'signature'],
  properties: {
    sequence: { type: 'integer', minimum: 1, description: "the act's place among the signing commission's acts (GET gives `next`)" },
    act: {
      type: 'object',
      description:
        '{ kind: "summary", commissionId, contestId, precincts, lines: { "<protocol line>": count } } (signed by that territorial commission) | ' +
        '{ kind: "certification", bodyId, outcomes: [{ kind: "list", contestId, seats: { listId: n } } | { kind: "single-member", contestId, outcome, winner }], votesDigest } | ' +
        '{ kind: "decertification", bodyId, reason } (both signed by the commission that allocates the body\u2019s seats) | { kind: "go-live" } (the root) | { kind: "zero-report", commissionId }',
    },
    signature: { type: 'object', description: '{ keyId, value }: the signing commission’s key, over the tally-act-v1 encoding (libs/signatures act-signature.ts)' },
  },
};

@ApiTags('elections')
@Controller('v1/elections/:electionId/acts')
export class ActsController {
  constructor(
    private readonly registry: ElectionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The commissions’ acts on the count (result protocols, certifications, decertifications) as recorded, and each commission’s next sequence number' })
  @ApiParam({ name: 'electionId' })
  @ApiOkResponse({ description: '{ electionId, next, acts, certified }' })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION', schema: problemSchema })
  list(@Param('electionId') electionId: string): ActList {
    const lifecycle = this.registry.lifecycle(electionId);
    if (lifecycle === undefined) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    const certified: Record<string, { sequence: number; receivedAt: string; votesDigest: string }> = {};
    for (const [bodyId, data] of lifecycle.certified) if (data.act.kind === 'certification') certified[bodyId] = { sequence: data.sequence, receivedAt: data.receivedAt, votesDigest: data.act.votesDigest };
    return {
      electionId,
      next: Object.fromEntries([...lifecycle.acts].map(([commissionId, acts]) => [commissionId, acts.length + 1])),
      acts: [...lifecycle.acts.values()].flat(),
      certified,
    };
  }

  @Get('draft')
  @Header('Cache-Control', 'no-store')
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The unsigned act the recorded protocols give — a summary (kind=summary&commission=…&contest=…) or a certification (kind=certification&body=…) — with its signer and next sequence number, to review and sign' })
  @ApiParam({ name: 'electionId' })
  @ApiQuery({ name: 'kind', enum: ['summary', 'certification'] })
  @ApiQuery({ name: 'commission', required: false })
  @ApiQuery({ name: 'contest', required: false })
  @ApiQuery({ name: 'body', required: false })
  @ApiOkResponse({ description: '{ signedBy, sequence, act }' })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION, NOT_FOUND (contest or body)', schema: problemSchema })
  @ApiResponse({ status: 409, description: 'application/problem+json: PRECINCTS_OUTSTANDING (operands reported, expected), CANNOT_CERTIFY', schema: problemSchema })
  async draft(@Param('electionId') electionId: string, @Query() query: unknown): Promise<ActDraft> {
    const q = parseQuery(ActDraftQuery, query);
    const election = this.registry.get(electionId);
    const state = this.registry.state(electionId);
    if (election === undefined || state?.status !== 'defined') throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    const drafted = await draftAct(this.store, election, state, q);
    if (!drafted.ok) throw new ProblemException(drafted.problems);
    return drafted.draft;
  }

  @Post()
  @ApiOperation({ summary: 'Record a commission’s signed act: its result protocol, or the certification or decertification of a body’s seats' })
  @ApiParam({ name: 'electionId' })
  @ApiBody({ schema: signedActSchema })
  @ApiResponse({ status: 201, description: 'Recorded: { electionId, commissionId, sequence, outcome: "recorded", position }' })
  @ApiResponse({ status: 200, description: 'Unchanged: exactly this act was recorded under its sequence number before' })
  @ApiResponse({ status: 400, description: 'application/problem+json: MALFORMED', schema: problemSchema })
  @ApiResponse({ status: 401, description: 'application/problem+json: BAD_SIGNATURE (with `problem`: unknown-key, invalid-signature, revoked-key, not-yet-valid)', schema: problemSchema })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION, NOT_FOUND', schema: problemSchema })
  @ApiResponse({
    status: 409,
    description: 'application/problem+json: STALE_ACT, SEQUENCE_GAP, PRECINCTS_OUTSTANDING (operands reported, expected), CANNOT_CERTIFY, ALREADY_CERTIFIED, NOT_CERTIFIED',
    schema: problemSchema,
  })
  @ApiResponse({ status: 422, description: 'application/problem+json: SUMMARY_MISMATCH (one per differing line: operands line, summary, precincts), CERTIFICATION_MISMATCH, UNKNOWN_COMMISSION', schema: problemSchema })
  async record(@Param('electionId') electionId: string, @Body() body: unknown, @Req() req: HttpRequest, @Res() res: HttpReply): Promise<void> {
    const receivedAt = req.receivedAt ?? new Date().toISOString();
    const outcome = await unavailableOnConflict(electionId, () => this.registry.act({ type: 'RecordAct', electionId, body, receivedAt }));
    switch (outcome.kind) {
      case 'recorded':
        return sendJson(res, 201, { electionId, outcome: 'recorded', position: outcome.position });
      case 'unchanged':
        return sendJson(res, 200, { electionId, outcome: 'unchanged', ...(outcome.position === undefined ? {} : { position: outcome.position }) });
      case 'refused':
        throw new ProblemException(outcome.reasons);
      default: {
        const never: never = outcome;
        throw new Error(`unknown act outcome ${JSON.stringify(never)}`);
      }
    }
  }
}
