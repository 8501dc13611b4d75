// Amendments of an election's definition: a commission's key added, revoked from an instant, or
// replaced. Each is signed by a key of the election's root (central) commission and numbered by
// its place among the election's amendments (1, 2, …), so a signed amendment applies once at
// most. What is signed (the `tally-amendment-v1` encoding) is @tally/signatures'; the shapes, and
// the mapping between the commands and the amendment a body carries, are here.
import { z } from 'zod';
import { CommissionKey, Id } from './election-definition';
import { Instant, instantMillis } from '../instant';
import type { AddKey, ReplaceKeys, RevokeKey } from './election.commands';

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

export const KeyAmendmentShape = z.discriminatedUnion('kind', [AddKeyAmendment, RevokeKeyAmendment, ReplaceKeysAmendment]);
export type KeyAmendment = z.infer<typeof KeyAmendmentShape>;
export type AmendmentKind = KeyAmendment['kind'];
export const AMENDMENT_KINDS: readonly AmendmentKind[] = ['add-key', 'revoke-key', 'replace-keys'];

/** A root commission's signature of an amendment: its key id and the Ed25519 signature, base64. */
export const AmendmentSignatureShape = z.object({ keyId: KeyId, value: z.string().min(1).max(200) }).strict();
export type AmendmentSignature = z.infer<typeof AmendmentSignatureShape>;

/** An amendment's place among the election's amendments: 1 for the first. */
export const AmendmentSequence = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A signed amendment as the HTTP API takes it; its field names are those of the decider's refusals (`amendment.commissionId`). */
export const SignedAmendmentBody = z.object({ sequence: AmendmentSequence, amendment: KeyAmendmentShape, signature: AmendmentSignatureShape }).strict();
export type SignedAmendmentBody = z.infer<typeof SignedAmendmentBody>;

/** What a root key signs (see @tally/signatures' encodeAmendment) and with which signature. */
export interface SignedAmendment {
  readonly electionId: string;
  readonly sequence: number;
  readonly amendment: KeyAmendment;
  readonly signature: AmendmentSignature;
}

/** The data of a recorded DefinitionAmended, as the codec checks it (an object of this schema's key order). */
export const DefinitionAmendedData = z
  .object({
    electionId: Id,
    sequence: AmendmentSequence,
    amendment: KeyAmendmentShape,
    /** When the service received it: the root key that signed was valid then. */
    receivedAt: z.string().refine((t) => instantMillis(t) !== undefined, 'an RFC 3339 instant'),
    signature: AmendmentSignatureShape,
  })
  .strict();

export type AmendmentCommand = AddKey | RevokeKey | ReplaceKeys;

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
export function commandOfAmendment(amendment: KeyAmendment, envelope: AmendmentEnvelope): AmendmentCommand {
  switch (amendment.kind) {
    case 'add-key':
      return { type: 'AddKey', ...envelope, commissionId: amendment.commissionId, key: amendment.key, ...(amendment.validFrom === undefined ? {} : { validFrom: amendment.validFrom }) };
    case 'revoke-key':
      return { type: 'RevokeKey', ...envelope, commissionId: amendment.commissionId, keyId: amendment.keyId, from: amendment.from };
    case 'replace-keys':
      return { type: 'ReplaceKeys', ...envelope, commissionId: amendment.commissionId, keys: amendment.keys, from: amendment.from };
    default: {
      const never: never = amendment;
      throw new Error(`unknown amendment ${JSON.stringify(never)}`);
    }
  }
}
