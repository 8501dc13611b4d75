// The transparency log's public surface (RFC 9162-style, JSON, hashes lowercase hex): the log's
// key, its signed heads, inclusion and consistency proofs, and the leaves for monitors. Parse the
// query, ask the log, present; a bad parameter is problem+json naming the field and the rule.
import { Controller, Get, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { HEAD_SCHEME, LEAF_SCHEME, logKeyId, type LeafInfo, type SignedTreeHead, type StoreCheck } from '@tally/merkle-log';
import { z } from 'zod';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { problem, ProblemException, type ProblemItem } from '../http/problem';
import { parseQuery } from '../http/query';
import { LogService } from './log.service';

const Count = (rule: string) => z.string({ error: `${rule}` }).regex(/^(0|[1-9]\d{0,15})$/, rule).transform(Number).pipe(z.number().max(Number.MAX_SAFE_INTEGER, rule));
const HeadsQuery = z.object({ from: Count('a head sequence number (0, 1, 2, …)').optional(), limit: Count('an integer from 1 to 1000').optional() }).strict();
const InclusionQuery = z.object({ leafIndex: Count('a leaf index (0, 1, 2, …)'), treeSize: Count('a tree size (1, 2, …)') }).strict();
const ConsistencyQuery = z.object({ first: Count('a tree size (1, 2, …)'), second: Count('a tree size (1, 2, …)') }).strict();
const LeavesQuery = z.object({ from: Count('a leaf index (0, 1, 2, …)').optional(), limit: Count('an integer from 1 to 1000').optional() }).strict();

/** Throws every rule broken, each naming its field. */
function assertRules(...checks: Array<ProblemItem | undefined>): void {
  const problems = checks.filter((c): c is ProblemItem => c !== undefined);
  if (problems.length > 0) throw new ProblemException(problems);
}

const within = (field: string, value: number, min: number, max: number, rule: string): ProblemItem | undefined =>
  value >= min && value <= max ? undefined : problem('MALFORMED', field, rule, { [field]: value, min, max });

export interface LogKeyResponse {
  readonly algorithm: 'ed25519';
  readonly publicKey: string;
  readonly keyId: string;
  readonly headScheme: string;
  readonly leafScheme: string;
}

@ApiTags('log')
@Controller('v1/log')
export class LogController {
  constructor(private readonly service: LogService) {}

  @Get('key')
  @ApiOperation({ summary: "The log's Ed25519 public key (raw 32 bytes, base64) and its id (hex SHA-256 of those bytes)" })
  key(): LogKeyResponse {
    const publicKey = this.service.log.publicKey;
    return { algorithm: 'ed25519', publicKey, keyId: logKeyId(publicKey), headScheme: HEAD_SCHEME, leafScheme: LEAF_SCHEME };
  }

  @Get('status')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The log's size, latest head, and what its start-up check of the store against the leaves it kept found (pending, consistent, contradicted with the first bad leaf)" })
  status(): { readonly treeSize: number; readonly latestHead: SignedTreeHead | null; readonly storeCheck: StoreCheck } {
    return { treeSize: this.service.log.size, latestHead: this.service.log.latestHead() ?? null, storeCheck: this.service.log.storeCheck };
  }

  @Get('heads/latest')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The latest signed tree head: { treeSize, rootHash, timestamp, signature }' })
  latest(): SignedTreeHead {
    const head = this.service.log.latestHead();
    if (!head) throw new ProblemException([problem('NOT_FOUND', 'head', 'the log has signed no head yet (nothing is recorded)')]);
    return head;
  }

  @Get('heads')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Signed tree heads in the order signed, from sequence number `from`; follow `next`' })
  @ApiQuery({ name: 'from', required: false, description: 'head sequence number, default 0' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  heads(@Query() query: unknown) {
    const q = parseQuery(HeadsQuery, query);
    const limit = q.limit ?? 100;
    assertRules(within('limit', limit, 1, 1000, 'limit is an integer from 1 to 1000'));
    return this.service.log.headsPage(q.from ?? 0, limit);
  }

  @Post('heads')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin', 'auditor')
  @ApiOperation({ summary: 'Sign a head of the tree as it is now (if it grew since the last head); answers the latest head' })
  signNow(): SignedTreeHead {
    const head = this.service.log.signNow();
    if (!head) throw new ProblemException([problem('NOT_FOUND', 'head', 'the log is empty: nothing to sign')]);
    return head;
  }

  @Get('proofs/inclusion')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of a leaf in the tree of a size: the audit path from the leaf upward' })
  @ApiOkResponse({ description: '{ leafIndex, treeSize, leafHash, rootHash, inclusionPath: [hex] }' })
  inclusion(@Query() query: unknown) {
    const q = parseQuery(InclusionQuery, query);
    const size = this.service.log.size;
    assertRules(
      within('treeSize', q.treeSize, 1, size, `treeSize is from 1 to the log's size (${size})`),
      within('leafIndex', q.leafIndex, 0, q.treeSize - 1, 'leafIndex is below treeSize'),
    );
    return {
      leafIndex: q.leafIndex,
      treeSize: q.treeSize,
      leafHash: this.service.log.leaves(q.leafIndex, 1)[0].leafHash,
      rootHash: this.service.log.rootHash(q.treeSize),
      inclusionPath: this.service.log.inclusionProof(q.leafIndex, q.treeSize),
    };
  }

  @Get('proofs/consistency')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes (first ≤ second; equal sizes: the empty proof)' })
  @ApiOkResponse({ description: '{ first, second, firstRootHash, secondRootHash, consistencyPath: [hex] }' })
  consistency(@Query() query: unknown) {
    const q = parseQuery(ConsistencyQuery, query);
    const size = this.service.log.size;
    assertRules(
      within('second', q.second, 1, size, `second is from 1 to the log's size (${size})`),
      within('first', q.first, 1, q.second, 'first is from 1 to second'),
    );
    return {
      first: q.first,
      second: q.second,
      firstRootHash: this.service.log.rootHash(q.first),
      secondRootHash: this.service.log.rootHash(q.second),
      consistencyPath: this.service.log.consistencyProof(q.first, q.second),
    };
  }

  @Get('leaves')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "Leaf hashes from index `from`, with each event's store position: what a monitor mirrors" })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 1000' })
  leaves(@Query() query: unknown): { readonly treeSize: number; readonly leaves: readonly LeafInfo[] } {
    const q = parseQuery(LeavesQuery, query);
    const limit = q.limit ?? 1000;
    assertRules(within('limit', limit, 1, 1000, 'limit is an integer from 1 to 1000'));
    return { treeSize: this.service.log.size, leaves: this.service.log.leaves(q.from ?? 0, limit) };
  }
}
