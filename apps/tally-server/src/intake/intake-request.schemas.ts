// The request bodies of the commission endpoints, parsed with zod at the boundary. Strict: an
// unknown field is refused by name, never ignored. The protocol itself stays `unknown` here; the
// domain's ProtocolShape and validateProtocol judge it, so no rule exists twice.
import { z } from 'zod';

export const SignatureBody = z
  .object({
    keyId: z.string().min(1).max(128),
    /** base64 of the 64-byte Ed25519 signature; a wrong one is BAD_SIGNATURE, not a syntax error. */
    value: z.string().min(1).max(256),
    /** Optional: the encoding signed, as signSubmission names it. Intake verifies v2 only, whatever is said here. */
    scheme: z.literal('tally-submission-v2').optional(),
  })
  .strict();

const Common = {
  /**
   * The signed place in the precinct's history (scheme tally-submission-v2): 1 for a protocol, the
   * current version + 1 for a correction or a turnout report. Required in practice; optional in
   * the schema so its absence is VERSION_REQUIRED (422, the domain's checkVersion), not a 400.
   */
  version: z.number().optional(),
  /** Required in practice; optional in the schema so its absence is BAD_SIGNATURE (401), not a 400. */
  signature: SignatureBody.optional(),
  /** Optional cross-check: the commission the client believes it signs as. The key decides. */
  submittedBy: z.string().min(1).max(64).optional(),
};

export const SubmitProtocolBody = z.object({ protocol: z.unknown(), ...Common }).strict();
export type SubmitProtocolBody = z.infer<typeof SubmitProtocolBody>;

export const CorrectProtocolBody = z
  .object({
    protocol: z.unknown(),
    reason: z.string().max(2000),
    /** Optional guard: the submission id of the version being corrected (STALE_CORRECTION otherwise). */
    supersedes: z.string().uuid().optional(),
    ...Common,
  })
  .strict();
export type CorrectProtocolBody = z.infer<typeof CorrectProtocolBody>;

export const ReportTurnoutBody = z.object({ time: z.string().max(16), ballotsIssued: z.number(), ...Common }).strict();
export type ReportTurnoutBody = z.infer<typeof ReportTurnoutBody>;

/** `?wait=` on the status endpoint: "10s", "500ms" or plain seconds. */
export function parseWait(text: string): number | undefined {
  const m = /^(\d{1,6})(ms|s)?$/.exec(text);
  if (!m) return undefined;
  return m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * 1000;
}
