// The query API as the page sees it. The types are the server presenter's own (type-only import,
// erased at build), so a change of the API's shape fails `check:dashboard`, not the viewer.
import type { CommissionPayload, ContestResultsDto, ElectionDetail, ElectionListItem, BodyCompositionDto } from '../../src/results/results.presenter';
import type { SensitivityDto } from '../../src/results/seat-analysis.presenter';
import type { ExplanationDto } from '../../src/results/seat-explanation.presenter';
import type { ForensicsDto } from '../../src/results/forensics.presenter';

export type { BodyCompositionDto, CommissionPayload, ContestResultsDto, ElectionDetail, ElectionListItem, ExplanationDto, ForensicsDto, SensitivityDto };
import type { BaselineComparisonDto, BodyMembersDto } from '../../src/results/body-members.presenter';

export type { BaselineComparisonDto, BodyMembersDto };
export type ListContestResults = Extract<ContestResultsDto, { kind: 'list' }>;
export type SingleMemberResults = Extract<ContestResultsDto, { kind: 'single-member' }>;

/** Live frames: a `snapshot`/`reset` is the payload whole, a `results` frame a delta (src/live/frame-delta.ts, the server's own code). */
export { applyFrame, PatchMismatchError, type FrameData, type HeldPayload } from '../../src/live/frame-delta';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  if (!res.ok) {
    // Problem documents (RFC 9457) carry a readable message; fall back to the status line.
    const body = (await res.json().catch(() => undefined)) as { detail?: string; message?: string } | undefined;
    throw new ApiError(res.status, body?.detail ?? body?.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

export const fetchElections = (signal?: AbortSignal) => getJson<ElectionListItem[]>('/v1/elections', signal);
export const fetchElection = (electionId: string, signal?: AbortSignal) => getJson<ElectionDetail>(`/v1/elections/${enc(electionId)}`, signal);
export const fetchCommission = (electionId: string, commissionId: string, signal?: AbortSignal) =>
  getJson<CommissionPayload>(`/v1/elections/${enc(electionId)}/commissions/${enc(commissionId)}`, signal);
/** The transparency log's latest signed head (GET /v1/log/heads/latest; 404 before the first). */
export interface SignedTreeHead {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly timestamp: string;
}
export const fetchLatestHead = (signal?: AbortSignal) => getJson<SignedTreeHead>('/v1/log/heads/latest', signal);
/** Only at a contest's allocating scope (the API answers 409 below it). */
export const fetchSensitivity = (electionId: string, commissionId: string, contestId: string, signal?: AbortSignal) =>
  getJson<SensitivityDto>(`/v1/elections/${enc(electionId)}/commissions/${enc(commissionId)}/contests/${enc(contestId)}/sensitivity`, signal);
/** Only at a contest's allocating scope; `offset` pages the precincts behind the votes. */
export const fetchExplanation = (electionId: string, commissionId: string, contestId: string, offset: number, signal?: AbortSignal) =>
  getJson<ExplanationDto>(`/v1/elections/${enc(electionId)}/commissions/${enc(commissionId)}/contests/${enc(contestId)}/explanation?offset=${offset}&limit=50`, signal);
export const fetchForensics = (electionId: string, commissionId: string, contestId: string, signal?: AbortSignal) =>
  getJson<ForensicsDto>(`/v1/elections/${enc(electionId)}/commissions/${enc(commissionId)}/contests/${enc(contestId)}/forensics`, signal);
/** The body's provisional members and majority line. */
export const fetchMembers = (electionId: string, bodyId: string, signal?: AbortSignal) => getJson<BodyMembersDto>(`/v1/elections/${enc(electionId)}/bodies/${enc(bodyId)}/members`, signal);
/** The body against its last election (404 when the definition names no baseline). */
export const fetchBaseline = (electionId: string, bodyId: string, signal?: AbortSignal) => getJson<BaselineComparisonDto>(`/v1/elections/${enc(electionId)}/bodies/${enc(bodyId)}/baseline`, signal);
export const eventsUrl = (electionId: string, commissionId: string): string => `/v1/elections/${enc(electionId)}/commissions/${enc(commissionId)}/events`;
