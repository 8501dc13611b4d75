// Live `results` frames as deltas: a patch that turns the payload a client holds (the one of the
// channel's previous frame) into the payload of this frame. The diff runs once per channel per
// frame, on the server; the dashboard bundles this very file to apply it, so both ends follow one
// rule. It imports types and payload-json.ts (alike) only: it must build for the browser as it is.
//
// A patch turns a JSON value (the target) into another:
//   - a string, number, boolean or null: the new value;
//   - { "=": v }: the new value v, whole (an object or array that replaces the target rather than
//     patching it: a new member, an element past the old length, a key removed, an array
//     shortened, a change of type);
//   - any other object, applied to the target member by member, members not named unchanged:
//       against an object, each key's patch to that member;
//       against an array, keys are indices ("0", "12"), each index's patch to that element; an
//       index at or past the old length adds an element (its patch is then the value, whole), so
//       an array only grows, by consecutive indices.
// Only what changed is named: a patch holds no member whose value is equal before and after, and
// no empty object. "=" is never a key of the payload itself.
import type { CommissionPayload } from '../results/results.presenter';
import { payloadFromJson, payloadToJson } from './payload-json';

/** A JSON value as the payload has them (undefined members count as absent, as JSON.stringify drops them). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/** A value set whole: `{ "=": v }`. */
export type WholePatch = { readonly '=': Json };

/** A patch of an object's or an array's members, by key (an array's by index). */
export type MembersPatch = { readonly [key: string]: Patch };

export type Patch = null | boolean | number | string | WholePatch | MembersPatch;

const WHOLE = '=';

type JsonObject = { readonly [key: string]: Json | undefined };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// Array.isArray narrows to any[], which a readonly Json[] is not.
const isArray = (v: Json | undefined): v is readonly Json[] => Array.isArray(v);

/** The patch that sets `value` whole. */
const whole = (value: Json): Patch => (typeof value === 'object' && value !== null ? { [WHOLE]: value } : value);

const isWhole = (patch: WholePatch | MembersPatch): patch is WholePatch => WHOLE in patch;

/** The patch from `prev` to `next`, or undefined when they are equal. */
export function diff(prev: Json | undefined, next: Json): Patch | undefined {
  if (prev === next) return undefined;
  if (isArray(prev) && isArray(next)) {
    if (next.length < prev.length) return whole(next);
    const patch: Record<string, Patch> = {};
    let any = false;
    for (let i = 0; i < next.length; i++) {
      const d = i < prev.length ? diff(prev[i], next[i]) : whole(next[i]);
      if (d !== undefined) {
        patch[i] = d;
        any = true;
      }
    }
    return any ? patch : undefined;
  }
  if (isObject(prev) && isObject(next)) {
    for (const k in prev) if (prev[k] !== undefined && next[k] === undefined) return whole(next);
    const patch: Record<string, Patch> = {};
    let any = false;
    for (const k in next) {
      const v = next[k];
      if (v === undefined) continue;
      const d = prev[k] === undefined ? whole(v) : diff(prev[k], v);
      if (d !== undefined) {
        patch[k] = d;
        any = true;
      }
    }
    return any ? patch : undefined;
  }
  // Primitives (and changes of kind): equal primitives were caught by === above.
  return whole(next);
}

/** A patch that does not fit the value it is applied to: the client does not hold the frame it follows. */
export class PatchMismatchError extends Error {}

/**
 * `target` with `patch` applied. The target is not modified: members a patch does not name are
 * shared with it, the rest is new (so a view can tell what moved by identity).
 */
export function applyPatch(target: Json | undefined, patch: Patch): Json {
  if (typeof patch !== 'object' || patch === null) return patch;
  if (isWhole(patch)) return patch[WHOLE];
  if (isArray(target)) {
    const out = [...target];
    // Indices in order, so that additions are consecutive.
    for (const k of Object.keys(patch).sort((a, b) => Number(a) - Number(b))) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i > out.length) throw new PatchMismatchError(`index ${k} of an array of ${out.length}`);
      out[i] = applyPatch(out[i], patch[k]);
    }
    return out;
  }
  if (!isObject(target)) throw new PatchMismatchError('a member patch for a value that is not an object');
  const out: Record<string, Json | undefined> = { ...target };
  for (const k of Object.keys(patch)) out[k] = applyPatch(target[k], patch[k]);
  return out;
}

/** `snapshot` and `reset` frames: the commission payload, whole. */
export type SnapshotData = CommissionPayload & { readonly full: true };

/** `results` frames: what changed since the channel's frame `since` (its id), as a patch of the payload. */
export interface DeltaData {
  readonly full: false;
  readonly since: string;
  readonly patch: Patch;
}

/** The `data:` of every live frame. */
export type FrameData = SnapshotData | DeltaData;

/** The delta from one payload of a channel to the next (the position moves with every frame, so it is never empty). */
export function payloadDelta(since: string, prev: CommissionPayload, next: CommissionPayload): DeltaData {
  return { full: false, since, patch: diff(payloadToJson(prev), payloadToJson(next)) ?? {} };
}

/** What a client holds: the payload, and the id of the frame that brought it there. */
export interface HeldPayload {
  readonly payload: CommissionPayload;
  readonly id: string;
}

/**
 * The payload after frame `id` with `data`: a full frame replaces what is held; a delta applies
 * only to the payload of the frame it follows (PatchMismatchError otherwise: resume or reconnect).
 */
export function applyFrame(held: HeldPayload | undefined, id: string, data: FrameData): HeldPayload {
  if (data.full) {
    const { full: _, ...payload } = data;
    return { payload, id };
  }
  if (!held || held.id !== data.since) throw new PatchMismatchError(`a delta since ${data.since} on ${held ? held.id : 'nothing'}`);
  const payload = payloadFromJson(applyPatch(payloadToJson(held.payload), data.patch));
  // A patch that fits but does not make a payload: as if it did not fit.
  if (!payload.ok) throw new PatchMismatchError(`a delta since ${data.since} that makes no payload: ${payload.error}`);
  return { payload: payload.value, id };
}

/**
 * The server's next payload of a channel: its base with a frame's partial payload put in (the
 * contests that moved and their bodies, by id; everything commission-wide as given).
 */
export function withChanges(base: CommissionPayload, changed: CommissionPayload): CommissionPayload {
  return {
    ...changed,
    contests: mergeBy(base.contests, changed.contests, (c) => c.contestId),
    bodies: mergeBy(base.bodies, changed.bodies, (b) => b.bodyId),
  };
}

function mergeBy<T>(old: readonly T[], changed: readonly T[], keyOf: (t: T) => string): T[] {
  const byKey = new Map(changed.map((c) => [keyOf(c), c]));
  const merged = old.map((o) => byKey.get(keyOf(o)) ?? o);
  const known = new Set(old.map(keyOf));
  return [...merged, ...changed.filter((c) => !known.has(keyOf(c)))];
}
