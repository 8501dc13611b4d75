// OpenAPI schemas of the commission endpoints, generated from the very zod schemas intake parses
// with (and the domain's ProtocolShape), so the documentation cannot drift from the checks.
import { MAX_VERSION, ProtocolShape } from '@tally/domain';
import { z } from 'zod';
import { CorrectProtocolBody, ReportTurnoutBody, SignatureBody, SubmitProtocolBody } from './intake-request.schemas';

const toOpenApi = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const signature = SignatureBody.describe("The commission's Ed25519 signature over the canonical encoding, scheme tally-submission-v2 (README: Signing a protocol)");
// Required, as the signature is: their absence is answered 422 VERSION_REQUIRED / 401 BAD_SIGNATURE.
const version = (text: string) => z.number().int().min(1).max(MAX_VERSION).describe(`The signed place in the precinct's history: ${text}. Missing: 422 VERSION_REQUIRED. Not the next one: refused STALE_VERSION or FUTURE_VERSION by the recorder, and an already recorded body REPLAYED (the submission's status says so). GET /v1/elections/{electionId}/precincts/{precinctId}/versions has the current ones`);

export const submitProtocolSchema = toOpenApi(SubmitProtocolBody.extend({ protocol: ProtocolShape, version: version('always 1 for a protocol'), signature }));
export const correctProtocolSchema = toOpenApi(
  CorrectProtocolBody.extend({ protocol: ProtocolShape, version: version("the version this correction creates, the contest's current version + 1"), signature }),
);
export const reportTurnoutSchema = toOpenApi(ReportTurnoutBody.extend({ version: version("the time's current version + 1 (1 for the first report of that time)"), signature }));

export const acceptedSchema = {
  type: 'object',
  properties: {
    submissionId: { type: 'string', format: 'uuid', description: 'derived from the signature, or from the Idempotency-Key: a retry gets the same id' },
    state: { type: 'string', enum: ['queued', 'recorded', 'refused'], description: 'queued when new (202), also when sent again after a recorder set it aside; a retry of a decided submission says what it became (200)' },
    duplicate: { type: 'boolean', description: 'true for a retry of a submission already known: nothing was queued again' },
    submittedBy: { type: 'string', description: 'the commission whose key signed it' },
    statusUrl: { type: 'string', example: '/v1/submissions/3f1c…' },
    waitUrl: { type: 'string', example: '/v1/submissions/3f1c…?wait=30s' },
  },
};

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json)',
  properties: {
    type: { type: 'string', example: 'urn:tally:problem:ballots-found-mismatch' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', example: 'BALLOTS_FOUND_MISMATCH' },
    field: { type: 'string', example: 'protocol.ballotsFound' },
    message: { type: 'string' },
    operands: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { code: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' }, operands: { type: 'object' } },
      },
    },
  },
};
