// DEMO ONLY. Deterministic key pairs anyone can recompute from a commission id, so the demo
// election and its simulator can sign without key files. A definition carrying these keys
// proves nothing about who submitted: never load one for a real election.
import { createHash } from 'node:crypto';
import type { ElectionDefinition } from '@tally/domain';
import { keyPairFromSeed, type Ed25519KeyPair } from './ed25519';

export const DEMO_KEY_LABEL = 'tally demo key - NOT FOR REAL ELECTIONS';

export interface DemoKeyPair extends Ed25519KeyPair {
  readonly keyId: string;
}

export const demoKeyId = (commissionId: string): string => `demo-${commissionId}`;

const cache = new Map<string, DemoKeyPair>();

/** seed = SHA-256(label, 0x00, commission id): public, hence worthless outside a demo. Cached: a demo signs a lot. */
export function demoKeyPair(commissionId: string): DemoKeyPair {
  const cached = cache.get(commissionId);
  if (cached) return cached;
  const seed = createHash('sha256').update(DEMO_KEY_LABEL).update(Buffer.of(0)).update(commissionId, 'utf8').digest();
  const pair = { keyId: demoKeyId(commissionId), ...keyPairFromSeed(seed) };
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
