// THE canonical JSON of the house: object keys sorted by UTF-16 code units, no whitespace,
// numbers and strings as JSON.stringify writes them, `undefined` members left out. Stable across
// jsonb (which reorders keys) and EventStoreDB. Used for what is signed (libs/signatures) and
// what is hashed (the event store's chain), so the two can never drift apart.

export function canonicalJson(value: unknown): string {
  // A value already in canonical order (as the event store writes data, and so reads it back) is
  // written by JSON.stringify itself, which then gives the very same text, natively: the hash
  // chain encodes every event's data this way (a quarter of an audit's main thread, profiled).
  if (inCanonicalOrder(value)) return JSON.stringify(value);
  // Otherwise a copy in canonical order, written by JSON.stringify: 4.0 against 5.7 µs a
  // protocol event's data written key by key (the recorder hashes every event it appends, and
  // intake and the recorder encode every signed protocol). What the copy cannot hold in order
  // (a hole, a key JS would reorder) is written key by key.
  const ordered = orderedCopy(value);
  return ordered === WRITE_BY_HAND ? writeCanonical(value) : JSON.stringify(ordered);
}

const WRITE_BY_HAND = Symbol('write by hand');

/**
 * A copy of `value` whose every object has its keys in canonical order, refusing exactly what
 * writeCanonical refuses, with its words and in its order; WRITE_BY_HAND where JSON.stringify of
 * a copy could not give writeCanonical's text: an array hole, and a key an object would not keep
 * in the order given (an integer-like key, which JS puts first; `__proto__`, which sets the
 * prototype instead).
 */
function orderedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return jsonPrimitive(value);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined && !(i in value)) return WRITE_BY_HAND;
      const copy = orderedCopy(v);
      if (copy === WRITE_BY_HAND) return WRITE_BY_HAND;
      out[i] = copy;
    }
    return out;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const code = k.charCodeAt(0);
    if ((code >= 48 && code <= 57) || k === '__proto__') return WRITE_BY_HAND;
    const v = obj[k];
    if (v === undefined) continue;
    const copy = orderedCopy(v);
    if (copy === WRITE_BY_HAND) return WRITE_BY_HAND;
    out[k] = copy;
  }
  return out;
}

/**
 * True only when JSON.stringify writes exactly what writeCanonical would, without refusing: plain
 * objects (no prototype but Object's or none, so no toJSON) whose keys come in sorted order, arrays
 * without holes or undefined elements, strings, booleans, null and finite numbers at every depth.
 * Anything else, however harmless, goes the long way, which answers or refuses as it always did.
 */
function inCanonicalOrder(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined || !inCanonicalOrder(v)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) return false;
    if (previous !== undefined && !(previous < k)) return false;
    previous = k;
    const v = obj[k];
    // An undefined member is left out by both writers.
    if (v !== undefined && !inCanonicalOrder(v)) return false;
  }
  return true;
}

/** A value that is not an object, as it is; refused (TypeError) when JSON has no word for it. Both writers refuse here. */
function jsonPrimitive(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite numbers are not JSON');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new TypeError(`${typeof value} is not JSON`);
  }
  return value;
}

function writeCanonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(jsonPrimitive(value));
  // Loops and one string, no intermediate arrays: the audit encodes every event two or three
  // times (chain, signature, decider), and this was a quarter of its main thread (profiled).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // A hole is written as nothing, as join writes it; an undefined element is refused.
      if (value[i] !== undefined || i in value) out += writeCanonical(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + writeCanonical(v);
  }
  return out + '}';
}

/**
 * `canonicalJson(a) === canonicalJson(b)`, without writing either when they are plainly the same
 * JSON (the audit's decider check compares every event so, and writing both was 13% of its main
 * thread, profiled). Anything else — a difference, or a value JSON has no word for — is answered
 * by the comparison itself, so the answer and any exception are exactly canonicalJson's.
 */
export function canonicallyEqual(a: unknown, b: unknown): boolean {
  return sameJson(a, b) || canonicalJson(a) === canonicalJson(b);
}

/** True only when both are the same JSON value, every part of it one canonicalJson writes without refusing. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' || typeof a === 'boolean' || a === null) return a === b;
  if (typeof a === 'number') return a === b && Number.isFinite(a);
  if (typeof a !== 'object' || typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] === undefined || !sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (v === undefined) continue;
    members++;
    if (!Object.hasOwn(y, k) || !sameJson(v, y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) members--;
  return members === 0;
}
