// THE answer to "which commission does key K belong to, and was it valid at instant T": the keys
// of an election's definition folded with its amendments (a key added, revoked from an instant,
// a commission's keys replaced). Every signature is judged here — a commission's submission at
// intake, in the recorder and in the audit (through @tally/signatures' findSigner), an amendment
// in the election decider — each at the instant it was received.
//
// Validity is a half-open interval: a key verifies what was received at or after its `validFrom`
// (none: since the definition) and before its `revokedFrom` (none: for good). The ring keeps the
// definition as it was recorded (the rules of the count never change); only the amended
// commissions' key lists are held here, so amending a national election copies one list.
import { instantMillis } from '../instant';
import type { Commission, CommissionKey, ElectionDefinition } from './election-definition';
import { isKeyAmendment, type Amendment } from './amendments';

/** One key of one commission, with its validity. */
export interface RingKey {
  /** The commission the key signs for, as the definition describes it (its `keys` are the defined ones). */
  readonly commission: Commission;
  readonly keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  readonly publicKey: string;
  /** Inclusive, RFC 3339; absent: valid since the definition. */
  readonly validFrom?: string;
  /** Exclusive, RFC 3339: what is received at or after it no longer verifies under the key. */
  readonly revokedFrom?: string;
}

export type KeyStatus = 'valid' | 'not-yet-valid' | 'revoked-key';

/** Where the ring finds the definition's commissions: the election index (O(1) by id), or the definition itself. */
export interface CommissionDirectory {
  commission(id: string): Commission | undefined;
  readonly commissions: readonly Commission[];
}

/** A directory over a bare definition: lookups scan it (the decider's, for rare amendments). */
export function definitionDirectory(definition: Pick<ElectionDefinition, 'commissions'>): CommissionDirectory {
  return { commissions: definition.commissions, commission: (id) => definition.commissions.find((c) => c.id === id) };
}

/**
 * Whether a key was valid at an instant. Without an instant (or with one that does not parse),
 * only a key that is valid at every instant is: a caller that does not say when is trusted with
 * the unamended keys of the definition, never with a revoked or a later one.
 */
export function keyStatusAt(key: Pick<RingKey, 'validFrom' | 'revokedFrom'>, at: string | undefined): KeyStatus {
  const t = at === undefined ? undefined : instantMillis(at);
  if (key.revokedFrom !== undefined && (t === undefined || t >= revokedMillis(key.revokedFrom))) return 'revoked-key';
  if (key.validFrom !== undefined && (t === undefined || t < validFromMillis(key.validFrom))) return 'not-yet-valid';
  return 'valid';
}

// A recorded bound that does not parse (the schema refuses one; only a rewritten store holds it)
// fails safe on either side: revoked from the earliest instant, valid only from after the last.
// It never lets a key count.
const revokedMillis = (instant: string): number => instantMillis(instant) ?? Number.NEGATIVE_INFINITY;
const validFromMillis = (instant: string): number => instantMillis(instant) ?? Number.POSITIVE_INFINITY;

/** Why a key that made a signature does not count at an instant. */
export type OutsideValidity = Exclude<KeyStatus, 'valid'>;

export type SignerVerdict =
  | { readonly ok: true; readonly key: RingKey }
  | { readonly ok: false; readonly problem: 'unknown-key' | 'invalid-signature'; readonly keyId: string }
  /** The key made the signature but was not valid at the instant. */
  | { readonly ok: false; readonly problem: OutsideValidity; readonly keyId: string; readonly key: RingKey };

/**
 * Which of the keys named `keyId` made the signature (`verifies` checks it under one public key),
 * and whether that key was valid at `at`. A key id shared by two commissions is resolved by the
 * signature itself, so no order lets one sign for the other. Problems, from the most telling: a
 * key that verifies but was revoked (`revoked-key`) or not yet valid (`not-yet-valid`) at `at`;
 * keys of that id of which none verifies (`invalid-signature`); no key of that id (`unknown-key`).
 */
export function judgeSignature(candidates: readonly RingKey[], keyId: string, at: string | undefined, verifies: (publicKey: string) => boolean): SignerVerdict {
  let outside: { key: RingKey; status: OutsideValidity } | undefined;
  for (const key of candidates) {
    if (key.keyId !== keyId || !verifies(key.publicKey)) continue;
    const status = keyStatusAt(key, at);
    if (status === 'valid') return { ok: true, key };
    outside ??= { key, status };
  }
  if (outside) return { ok: false, problem: outside.status, keyId, key: outside.key };
  return { ok: false, problem: candidates.some((k) => k.keyId === keyId) ? 'invalid-signature' : 'unknown-key', keyId };
}

/** A refusal's words for a key that signed outside its validity: the key, its bound, and the instant judged. */
export function describeKeyOutsideValidity(key: RingKey, status: OutsideValidity, at: string | undefined): { message: string; operands: Record<string, string> } {
  const when = at === undefined ? 'no instant was given to judge it at' : `received at ${at}`;
  const operands: Record<string, string> = { commissionId: key.commission.id, ...(at === undefined ? {} : { receivedAt: at }) };
  if (status === 'revoked-key') {
    return { message: `key ${key.keyId} of ${key.commission.id} is revoked from ${key.revokedFrom}; ${when}`, operands: { ...operands, revokedFrom: key.revokedFrom ?? '' } };
  }
  return { message: `key ${key.keyId} of ${key.commission.id} is valid only from ${key.validFrom}; ${when}`, operands: { ...operands, validFrom: key.validFrom ?? '' } };
}

/** The keys named `keyId` in bare commissions (a definition without amendments): all valid at every instant. */
export function keysNamed(commissions: Iterable<Commission>, keyId: string, submittedBy?: string): RingKey[] {
  const out: RingKey[] = [];
  for (const commission of commissions) {
    if (submittedBy !== undefined && commission.id !== submittedBy) continue;
    for (const key of commission.keys) if (key.keyId === keyId) out.push(definedKey(commission, key));
  }
  return out;
}

const definedKey = (commission: Commission, key: CommissionKey): RingKey => ({ commission, keyId: key.keyId, publicKey: key.publicKey });

/** The facts of one amendment the ring needs: what it changes, and when it was received (an added key's default `validFrom`). */
export interface RingAmendment {
  readonly amendment: Amendment;
  readonly receivedAt: string;
}

const NO_KEYS: readonly RingKey[] = [];

export class KeyRing {
  private constructor(
    private readonly directory: CommissionDirectory,
    /** The whole key list of every amended commission, by commission id. */
    private readonly amended: ReadonlyMap<string, readonly RingKey[]>,
  ) {}

  /** The definition's keys, unamended. */
  static of(directory: CommissionDirectory): KeyRing {
    return new KeyRing(directory, new Map());
  }

  /** The same keys over another directory of the same definition (the election index's, which finds a commission at once). */
  over(directory: CommissionDirectory): KeyRing {
    return new KeyRing(directory, this.amended);
  }

  /** Every key the commission ever held, revoked ones included, in the order they were given; empty for an unknown commission. */
  keysOf(commissionId: string): readonly RingKey[] {
    const amended = this.amended.get(commissionId);
    if (amended) return amended;
    const commission = this.directory.commission(commissionId);
    return commission ? commission.keys.map((k) => definedKey(commission, k)) : [];
  }

  /** The keys named `keyId`, of `submittedBy` only when given, else of every commission (by an index built once per ring). */
  named(keyId: string, submittedBy?: string): readonly RingKey[] {
    if (submittedBy !== undefined) return this.keysOf(submittedBy).filter((k) => k.keyId === keyId);
    // Intake's path when a body does not say who signs: a scan of every commission per request
    // was most of intake's time on a national election. The ring never changes (amend makes a
    // new one), so its index by key id is built on first use and kept.
    this.byKeyId ??= this.indexByKeyId();
    return this.byKeyId.get(keyId) ?? NO_KEYS;
  }

  private byKeyId: Map<string, RingKey[]> | undefined;

  /** A commission other than `commissionId` that holds or held `publicKey` (a scan of every key: amendments are rare). */
  otherHolder(publicKey: string, commissionId: string): string | undefined {
    for (const commission of this.directory.commissions) {
      if (commission.id === commissionId) continue;
      const keys: readonly { publicKey: string }[] = this.amended.get(commission.id) ?? commission.keys;
      if (keys.some((k) => k.publicKey === publicKey)) return commission.id;
    }
    return undefined;
  }

  /** Every commission's keys (amended lists where amended) by key id, in the definition's order. */
  private indexByKeyId(): Map<string, RingKey[]> {
    const index = new Map<string, RingKey[]>();
    const add = (key: RingKey) => {
      const list = index.get(key.keyId);
      if (list) list.push(key);
      else index.set(key.keyId, [key]);
    };
    for (const commission of this.directory.commissions) {
      const amended = this.amended.get(commission.id);
      if (amended) amended.forEach(add);
      else for (const key of commission.keys) add(definedKey(commission, key));
    }
    return index;
  }

  /** The commissions whose keys differ from the definition, with their whole key lists. */
  amendedCommissions(): ReadonlyMap<string, readonly RingKey[]> {
    return this.amended;
  }

  /**
   * The ring after an amendment the election decider accepted (it checked the commission, the
   * key ids and the signature; one it did not — an unknown commission — changes nothing).
   * - add-key: the key, valid from `validFrom` (absent: from when the amendment was received);
   * - revoke-key: the key revoked from `from` (an earlier revocation stands);
   * - replace-keys: every key of the commission revoked from `from`, the new ones valid from it.
   */
  amend({ amendment, receivedAt }: RingAmendment): KeyRing {
    // Withdrawals and mandates change who may sit where, not a key.
    if (!isKeyAmendment(amendment)) return this;
    const commission = this.directory.commission(amendment.commissionId);
    if (!commission) return this;
    const current = this.keysOf(commission.id);
    let next: readonly RingKey[];
    switch (amendment.kind) {
      case 'add-key':
        next = [...current, { ...definedKey(commission, amendment.key), validFrom: amendment.validFrom ?? receivedAt }];
        break;
      case 'revoke-key':
        next = current.map((k) => (k.keyId === amendment.keyId ? revoked(k, amendment.from) : k));
        break;
      case 'replace-keys':
        next = [...current.map((k) => revoked(k, amendment.from)), ...amendment.keys.map((k) => ({ ...definedKey(commission, k), validFrom: amendment.from }))];
        break;
      default: {
        const never: never = amendment;
        throw new Error(`unknown amendment ${JSON.stringify(never)}`);
      }
    }
    return new KeyRing(this.directory, new Map(this.amended).set(commission.id, next));
  }
}

/** The key revoked from `from`, unless it already is from then or earlier. */
function revoked(key: RingKey, from: string): RingKey {
  return key.revokedFrom !== undefined && revokedMillis(key.revokedFrom) <= revokedMillis(from) ? key : { ...key, revokedFrom: from };
}
