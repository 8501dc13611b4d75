// The recent refusals intake answered, whoever sent them: a bounded ring in memory, newest first at
// GET /v1/admin/intake-refusals. This is where unauthenticated input goes instead of the event
// history: an operator sees who is knocking, and nothing a stranger sends outlives the process or
// grows without bound. Nothing from the request is kept verbatim: path ids only when they are ids
// (the definition's id rule), fields cut short, no messages (they may echo the input).
import { Id } from '@tally/domain';
import type { IntakeRefusal } from './intake-refusal-sink';

const MAX_REASONS = 20;
const MAX_FIELD = 120;
export const DEFAULT_RECENT_REFUSALS = 1_000;

export interface RecentRefusal {
  readonly receivedAt: string;
  readonly kind: IntakeRefusal['kind'];
  /** The path's ids when they are well-formed ids; null otherwise (nothing else of the path is kept). */
  readonly electionId: string | null;
  readonly precinctId: string | null;
  readonly status: number;
  readonly reasons: ReadonlyArray<{ readonly code: string; readonly field: string }>;
  /** The commission whose key signed it: such refusals are in the event history too. */
  readonly signedBy: string | null;
  readonly bodySha256: string | null;
  readonly bodyBytes: number | null;
}

/** The value when it is an id by the definition's rule (the domain's `Id`), else null. */
export function validId(value: string | undefined): string | null {
  const parsed = Id.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Provided by IntakeModule with TALLY_RECENT_REFUSALS as its capacity. */
export class RecentIntakeRefusals {
  private readonly ring: RecentRefusal[] = [];
  private next = 0;
  private total = 0;

  constructor(readonly capacity: number = DEFAULT_RECENT_REFUSALS) {}

  add(electionId: string, refusal: IntakeRefusal): void {
    const entry: RecentRefusal = {
      receivedAt: refusal.receivedAt,
      kind: refusal.kind,
      electionId: validId(electionId),
      precinctId: validId(refusal.precinctId),
      status: refusal.status,
      reasons: refusal.reasons.slice(0, MAX_REASONS).map((r) => ({ code: r.code, field: r.field.slice(0, MAX_FIELD) })),
      signedBy: refusal.submittedBy ?? null,
      bodySha256: refusal.bodySha256,
      bodyBytes: refusal.bodyBytes,
    };
    this.total++;
    if (this.capacity <= 0) return;
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first, at most `limit`; `total` counts every refusal since start, kept or rotated out. */
  recent(limit: number): { readonly capacity: number; readonly total: number; readonly refusals: readonly RecentRefusal[] } {
    const out: RecentRefusal[] = [];
    for (let i = 1; i <= Math.min(limit, this.ring.length); i++) out.push(this.ring[(this.next - i + this.ring.length * 2) % this.ring.length]);
    return { capacity: this.capacity, total: this.total, refusals: out };
  }
}
