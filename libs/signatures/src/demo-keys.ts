// DEMO ONLY. Deterministic key pairs anyone can recompute from a commission id, so the demo
// election and its simulator can sign without key files. A definition carrying these keys
// proves nothing about who submitted: never load one for a real election.
import { createHash, type KeyObject } from 'node:crypto';
import type { ElectionDefinition } from '@tally/domain';
import { keyPairFromSeed, privateKeyFromPem, type Ed25519KeyPair } from './ed25519';

export const DEMO_KEY_LABEL = 'tally demo key - NOT FOR REAL ELECTIONS';

export interface DemoKeyPair extends Ed25519KeyPair {
  readonly keyId: string;
  /** The private key parsed once: signing with the PEM parses it again each time (~0.6 ms, ten times the signature). */
  readonly privateKey: KeyObject;
}

export const demoKeyId = (commissionId: string): string => `demo-${commissionId}`;

const cache = new Map<string, DemoKeyPair>();

/** seed = SHA-256(label, 0x00, commission id): public, hence worthless outside a demo. Cached: a demo signs a lot. */
export function demoKeyPair(commissionId: string): DemoKeyPair {
  const cached = cache.get(commissionId);
  if (cached) return cached;
  const seed = createHash('sha256').update(DEMO_KEY_LABEL).update(Buffer.of(0)).update(commissionId, 'utf8').digest();
  const keys = keyPairFromSeed(seed);
  let privateKey: KeyObject | undefined;
  // Parsed on first use: most demo key pairs only give their public key (withDemoKeys).
  const pair = {
    keyId: demoKeyId(commissionId),
    ...keys,
    get privateKey(): KeyObject {
      return (privateKey ??= privateKeyFromPem(keys.privateKeyPem));
    },
  };
  if (cache.size < 100_000) cache.set(commissionId, pair);
  return pair;
}

/** The definition with a demo key added to every commission that lacks it. */
export function withDemoKeys(definition: ElectionDefinition): ElectionDefinition {
  return {
    ...definition,
    commissions: definition.commissions.map((c) => {
      const keyId = demoKeyId(c.id);
      if (c.keys.some((k) => k.keyId === keyId)) return c;
      return { ...c, keys: [...c.keys, { keyId, publicKey: demoKeyPair(c.id).publicKey }] };
    }),
  };
}

/**
 * True when any commission of the definition holds its demo key (the public key derived from the
 * public seed, whatever its key id): anyone can sign for that commission, so nothing recorded
 * under the definition proves who submitted it. The API and the dashboard say so.
 */
export function usesDemoKeys(definition: Pick<ElectionDefinition, 'commissions'>): boolean {
  return definition.commissions.some((c) => c.keys.some((k) => k.publicKey === demoKeyPair(c.id).publicKey));
}
