// Key amendments over HTTP. POST (admin token AND a root commission's signature: the token says
// who may write to the service, the signature who may change the election's keys, and only the
// signature is kept in the history for an auditor): parse the signed body → AddKey, RevokeKey or
// ReplaceKeys on the registry (the domain's election decider judges the sequence, the signature
// and the content) → the outcome as HTTP. GET (public): the amendments recorded, and the next
// sequence number a new one must be signed with (`tally amend --server` reads it).
import { Body, Controller, Get, Header, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { bodyComposition, commandOfAmendment, refusalsFromZod, SignedAmendmentBody, type DefinitionAmended, type ElectionContext } from '@tally/domain';
import { ModuleRef } from '@nestjs/core';
import { ProjectorService } from '../projector/projector.service';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import type { HttpReply, HttpRequest } from '../http/http-request';
import { problem, ProblemException } from '../http/problem';
import { problemSchema } from '../intake/intake.openapi';
import { ElectionRegistry } from './election-registry.service';
import { sendJson } from '../http/send-json';
import { unavailableOnConflict } from './stream-conflict';

export interface AmendmentList {
  readonly electionId: string;
  /** The sequence number the next amendment is signed with. */
  readonly next: number;
  readonly amendments: readonly DefinitionAmended['data'][];
}

const signedAmendmentSchema = {
  type: 'object',
  required: ['sequence', 'amendment', 'signature'],
  properties: {
    sequence: { type: 'integer', minimum: 1, description: "the amendment's place among the election's amendments (GET gives `next`)" },
    amendment: {
      type: 'object',
      description:
        '{ kind: "add-key", commissionId, key: { keyId, publicKey }, validFrom? } | { kind: "revoke-key", commissionId, keyId, from } | { kind: "replace-keys", commissionId, keys: [{ keyId, publicKey }], from } | { kind: "withdraw-candidate", contestId, candidateId, reason } (a candidate leaves a ranked list; received before polling day, local date) (instants: RFC 3339)',
    },
    signature: { type: 'object', description: '{ keyId, value }: a key of the root commission, over the tally-amendment-v1 encoding (libs/signatures)' },
  },
};

@ApiTags('elections')
@Controller('v1/elections/:electionId/amendments')
export class AmendmentsController {
  constructor(
    private readonly registry: ElectionRegistry,
    private readonly modules: ModuleRef,
  ) {}

  /**
   * A registration is judged on the recorded protocols: the projector's view, in a process that
   * has the projector role (the others answer 503 for a registration; every other kind is decided anywhere).
   */
  private bodyOutcome(electionId: string): ElectionContext['bodyOutcome'] {
    let projector: ProjectorService | undefined;
    try {
      projector = this.modules.get(ProjectorService, { strict: false });
    } catch {
      projector = undefined;
    }
    const view = projector?.engine.view(electionId);
    return view === undefined ? undefined : (bodyId) => bodyComposition(view, bodyId);
  }

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: "The election's key amendments as recorded (signed, with when each was received) and the next sequence number" })
  @ApiParam({ name: 'electionId' })
  @ApiOkResponse({ description: '{ electionId, next, amendments }' })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION', schema: problemSchema })
  list(@Param('electionId') electionId: string): AmendmentList {
    const amendments = this.registry.amendments(electionId);
    if (amendments === undefined) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    return { electionId, next: amendments.length + 1, amendments };
  }

  @Post()
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Amend a commission's keys (add one, revoke one from an instant, replace them all) or withdraw a candidate from a ranked list before polling day; signed by a root commission's key (tally amend)" })
  @ApiBody({ schema: signedAmendmentSchema })
  @ApiResponse({ status: 201, description: 'Recorded: { electionId, sequence, outcome: "recorded", position }' })
  @ApiResponse({ status: 200, description: 'Unchanged: exactly this amendment was recorded under its sequence number before' })
  @ApiResponse({ status: 400, description: 'application/problem+json: MALFORMED', schema: problemSchema })
  @ApiResponse({ status: 401, description: 'application/problem+json: TOKEN_REQUIRED, BAD_TOKEN, BAD_SIGNATURE (with `problem`: unknown-key, invalid-signature, revoked-key, not-yet-valid)', schema: problemSchema })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION', schema: problemSchema })
  @ApiResponse({ status: 409, description: 'application/problem+json: STALE_AMENDMENT, SEQUENCE_GAP, ALREADY_REVOKED, DUPLICATE_KEY, ALREADY_WITHDRAWN, WITHDRAWAL_TOO_LATE', schema: problemSchema })
  @ApiResponse({ status: 422, description: 'application/problem+json: UNKNOWN_COMMISSION, UNKNOWN_KEY, UNUSABLE_KEY, NOT_A_LIST_CONTEST, NOT_ON_A_RANKED_LIST', schema: problemSchema })
  async amend(@Param('electionId') electionId: string, @Body() body: unknown, @Req() req: HttpRequest, @Res() res: HttpReply): Promise<void> {
    // The domain's schema of a signed amendment, the one the decider applies again.
    const parsed = SignedAmendmentBody.safeParse(body);
    if (!parsed.success) throw new ProblemException(refusalsFromZod(body, parsed.error.issues, '').map((r) => problem('MALFORMED', r.field || 'body', r.message)));
    const { sequence, amendment, signature } = parsed.data;
    const receivedAt = req.receivedAt ?? new Date().toISOString();
    const bodyOutcome = amendment.kind === 'register-deputies' ? this.bodyOutcome(electionId) : undefined;
    if (amendment.kind === 'register-deputies' && bodyOutcome === undefined && this.registry.get(electionId) !== undefined) {
      throw new ProblemException([problem('UNAVAILABLE', 'amendment.kind', 'deputies are registered on the recorded protocols: send it to a process with the projector role (TALLY_ROLES)')]);
    }
    const outcome = await unavailableOnConflict(electionId, () => this.registry.amend(commandOfAmendment(amendment, { electionId, sequence, signature, receivedAt }), bodyOutcome));
    switch (outcome.kind) {
      case 'recorded':
        return sendJson(res, 201, { electionId, sequence, outcome: 'recorded', position: outcome.position });
      case 'unchanged':
        return sendJson(res, 200, { electionId, sequence, outcome: 'unchanged', ...(outcome.position === undefined ? {} : { position: outcome.position }) });
      case 'refused':
        throw new ProblemException(outcome.reasons);
      default: {
        const never: never = outcome;
        throw new Error(`unknown amendment outcome ${JSON.stringify(never)}`);
      }
    }
  }
}
