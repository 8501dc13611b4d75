// Amendments of an election's definition: a commission's key added, revoked from an instant, or
// replaced. Each is signed by a key of the election's root (central) commission and numbered by
// its place among the election's amendments (1, 2, …), so a signed amendment applies once at
// most. What is signed (the `tally-amendment-v1` encoding) is @tally/signatures'; the shapes, and
// the mapping between the commands and the amendment a body carries, are here.
import { z } from 'zod';
import { CommissionKey, Id } from './election-definition';
import { Instant, instantMillis } from '../instant';
import type { AddKey, FillSeat, RegisterDeputies, ReplaceKeys, RevokeKey, TerminateMandate, WithdrawCandidate } from './election.commands';
import { FillSeatAmendment, RegisterDeputiesAmendment, TerminateMandateAmendment } from './mandates';

const KeyId = CommissionKey.shape.keyId;

export const AddKeyAmendment = z
  .object({
    kind: z.literal('add-key'),
    commissionId: Id,
    key: CommissionKey,
    /** When the key starts to verify (inclusive); absent: from when the amendment is received. */
    validFrom: Instant.optional(),
  })
  .strict();

export const RevokeKeyAmendment = z
  .object({
    kind: z.literal('revoke-key'),
    commissionId: Id,
    keyId: KeyId,
    /** What is received at or after this instant no longer verifies under the key; earlier submissions still do. */
    from: Instant,
  })
  .strict();

export const ReplaceKeysAmendment = z
  .object({
    kind: z.literal('replace-keys'),
    commissionId: Id,
    /** The commission's new keys, valid from `from`; every key it held is revoked from then. */
    keys: z.array(CommissionKey).min(1, 'a replacement names at least one key'),
    from: Instant,
  })
  .strict();

/** The amendments that change a commission's keys. */
export type KeyAmendment = Extract<Amendment, { kind: 'add-key' | 'revoke-key' | 'replace-keys' }>;

/**
 * A candidate withdrawn from a party's ranked list before polling day: skipped when the list's
 * seats are named. Signed by the root commission like a key amendment, and recorded when received
 * (the local date of `receivedAt` must be before polling day).
 */
export const WithdrawCandidateAmendment = z
  .object({
    kind: z.literal('withdraw-candidate'),
    contestId: Id,
    candidateId: Id,
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();
export type WithdrawCandidateAmendment = z.infer<typeof WithdrawCandidateAmendment>;

/** Every signed change of an election's stream after its definition: its keys, its ranked lists, its bodies' mandates. */
export const AmendmentShape = z.discriminatedUnion('kind', [
  AddKeyAmendment,
  RevokeKeyAmendment,
  ReplaceKeysAmendment,
  WithdrawCandidateAmendment,
  RegisterDeputiesAmendment,
  TerminateMandateAmendment,
  FillSeatAmendment,
]);
export type Amendment = z.infer<typeof AmendmentShape>;

/** Key amendments change the key ring; the others, who may sit where. */
export const isKeyAmendment = (a: Amendment): a is KeyAmendment => a.kind === 'add-key' || a.kind === 'revoke-key' || a.kind === 'replace-keys';

/** A root commission's signature of an amendment: its key id and the Ed25519 signature, base64. */
export const AmendmentSignatureShape = z.object({ keyId: KeyId, value: z.string().min(1).max(200) }).strict();
export type AmendmentSignature = z.infer<typeof AmendmentSignatureShape>;

/** An amendment's place among the election's amendments: 1 for the first. */
export const AmendmentSequence = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A signed amendment as the HTTP API takes it; its field names are those of the decider's refusals (`amendment.commissionId`). */
export const SignedAmendmentBody = z.object({ sequence: AmendmentSequence, amendment: AmendmentShape, signature: AmendmentSignatureShape }).strict();
export type SignedAmendmentBody = z.infer<typeof SignedAmendmentBody>;

/** What a root key signs (see @tally/signatures' encodeAmendment) and with which signature. */
export interface SignedAmendment {
  readonly electionId: string;
  readonly sequence: number;
  readonly amendment: Amendment;
  readonly signature: AmendmentSignature;
}

/** The data of a recorded DefinitionAmended, as the codec checks it (an object of this schema's key order). */
export const DefinitionAmendedData = z
  .object({
    electionId: Id,
    sequence: AmendmentSequence,
    amendment: AmendmentShape,
    /** When the service received it: the root key that signed was valid then. */
    receivedAt: z.string().refine((t) => instantMillis(t) !== undefined, 'an RFC 3339 instant'),
    signature: AmendmentSignatureShape,
  })
  .strict();

export type AmendmentCommand = AddKey | RevokeKey | ReplaceKeys | WithdrawCandidate | RegisterDeputies | TerminateMandate | FillSeat;

/** The fields every amendment command carries besides its amendment. */
export type AmendmentEnvelope = Pick<AmendmentCommand, 'electionId' | 'sequence' | 'signature' | 'receivedAt'>;

/** The amendment a command asks for, as received (the decider parses it). */
export function amendmentOfCommand(command: AmendmentCommand): unknown {
  switch (command.type) {
    case 'AddKey':
      return { kind: 'add-key', commissionId: command.commissionId, key: command.key, ...(command.validFrom === undefined ? {} : { validFrom: command.validFrom }) };
    case 'RevokeKey':
      return { kind: 'revoke-key', commissionId: command.commissionId, keyId: command.keyId, from: command.from };
    case 'ReplaceKeys':
      return { kind: 'replace-keys', commissionId: command.commissionId, keys: command.keys, from: command.from };
    case 'WithdrawCandidate':
      return { kind: 'withdraw-candidate', contestId: command.contestId, candidateId: command.candidateId, reason: command.reason };
    case 'RegisterDeputies':
      return { kind: 'register-deputies', bodyId: command.bodyId, on: command.on, deputies: command.deputies };
    case 'TerminateMandate':
      return { kind: 'terminate-mandate', bodyId: command.bodyId, candidateId: command.candidateId, ground: command.ground, on: command.on };
    case 'FillSeat':
      return { kind: 'fill-seat', bodyId: command.bodyId, contestId: command.contestId, on: command.on, candidate: command.candidate };
    default: {
      const never: never = command;
      throw new Error(`unknown amendment command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The command that asks for an amendment: what the HTTP API makes of a signed body, and what an
 * auditor rebuilds from a recorded DefinitionAmended to decide it again.
 */
export function commandOfAmendment(amendment: Amendment, envelope: AmendmentEnvelope): AmendmentCommand {
  switch (amendment.kind) {
    case 'add-key':
      return { type: 'AddKey', ...envelope, commissionId: amendment.commissionId, key: amendment.key, ...(amendment.validFrom === undefined ? {} : { validFrom: amendment.validFrom }) };
    case 'revoke-key':
      return { type: 'RevokeKey', ...envelope, commissionId: amendment.commissionId, keyId: amendment.keyId, from: amendment.from };
    case 'replace-keys':
      return { type: 'ReplaceKeys', ...envelope, commissionId: amendment.commissionId, keys: amendment.keys, from: amendment.from };
    case 'withdraw-candidate':
      return { type: 'WithdrawCandidate', ...envelope, contestId: amendment.contestId, candidateId: amendment.candidateId, reason: amendment.reason };
    case 'register-deputies':
      return { type: 'RegisterDeputies', ...envelope, bodyId: amendment.bodyId, on: amendment.on, deputies: amendment.deputies };
    case 'terminate-mandate':
      return { type: 'TerminateMandate', ...envelope, bodyId: amendment.bodyId, candidateId: amendment.candidateId, ground: amendment.ground, on: amendment.on };
    case 'fill-seat':
      return { type: 'FillSeat', ...envelope, bodyId: amendment.bodyId, contestId: amendment.contestId, on: amendment.on, candidate: amendment.candidate };
    default: {
      const never: never = amendment;
      throw new Error(`unknown amendment ${JSON.stringify(never)}`);
    }
  }
}
