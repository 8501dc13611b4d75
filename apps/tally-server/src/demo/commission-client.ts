// A commission's HTTP client for the demo and the tests: signs with the demo keys exactly as a
// real commission signs with its own (libs/signatures, scheme tally-submission-v2: the body names
// its version), and posts to the intake endpoints.
import type { Protocol } from '@tally/domain';
import { demoKeyPair, signSubmission } from '@tally/signatures';

export type SubmitResult =
  /** `duplicate`: a retry of a body already known, answered with its first submission (200, or 202 while still queued). */
  | { readonly kind: 'accepted'; readonly submissionId: string; readonly duplicate: boolean }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly detail: string }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number };

export class CommissionClient {
  constructor(
    private readonly baseUrl: string,
    private readonly electionId: string,
  ) {}

  /** A protocol is version 1 of its contest. */
  submitProtocol(precinctId: string, protocol: Protocol): Promise<SubmitResult> {
    const key = demoKeyPair(precinctId);
    const version = 1;
    const signature = signSubmission({ kind: 'protocol', electionId: this.electionId, precinctId, contestId: protocol.contestId, protocol, version }, key.keyId, key.privateKey);
    return this.post(`precincts/${precinctId}/protocols`, { protocol, version, signature });
  }

  /** Signed by `corrector`, a territorial commission above the precinct; `version`: the one it creates, the contest's current + 1. */
  correctProtocol(precinctId: string, protocol: Protocol, reason: string, corrector: string, version: number): Promise<SubmitResult> {
    const key = demoKeyPair(corrector);
    const signature = signSubmission({ kind: 'correction', electionId: this.electionId, precinctId, contestId: protocol.contestId, protocol, reason, version }, key.keyId, key.privateKey);
    return this.post(`precincts/${precinctId}/protocols/${protocol.contestId}/corrections`, { protocol, reason, version, signature });
  }

  /** `version`: the time's current version + 1; 1 for the first report of that time. */
  reportTurnout(precinctId: string, time: string, ballotsIssued: number, version = 1): Promise<SubmitResult> {
    const key = demoKeyPair(precinctId);
    const signature = signSubmission({ kind: 'turnout', electionId: this.electionId, precinctId, time, ballotsIssued, version }, key.keyId, key.privateKey);
    return this.post(`precincts/${precinctId}/turnout`, { time, ballotsIssued, version, signature });
  }

  private async post(path: string, body: unknown): Promise<SubmitResult> {
    const res = await fetch(`${this.baseUrl}/v1/elections/${this.electionId}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 202 || res.status === 200) {
      const accepted = JSON.parse(text) as { submissionId: string; duplicate?: boolean };
      return { kind: 'accepted', submissionId: accepted.submissionId, duplicate: accepted.duplicate === true };
    }
    if (res.status === 429) return { kind: 'rate-limited', retryAfterMs: Math.max(1, Number(res.headers.get('retry-after') ?? '1')) * 1000 };
    let code = 'UNKNOWN';
    let detail = text.slice(0, 200);
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string };
      code = problem.code ?? code;
      detail = problem.detail ?? detail;
    } catch {
      // not a problem document: keep the raw text
    }
    return { kind: 'refused', status: res.status, code, detail };
  }
}
