// The one way an event the caller typed (a domain event: readonly interfaces, which TypeScript
// will not take for the port's index-signature `JsonObject`) becomes what the store appends.
// Instead of a cast, a check: the data is copied as JSON, and anything JSON cannot hold is
// refused with its path, before it can reach an engine that would store it differently.
import { InvalidAppendError } from '../event-store.errors';
import type { EventToAppend, JsonObject, JsonValue } from '../event-store.port';

/** An event as its writer typed it: a type and a data object. */
export interface TypedEvent {
  readonly type: string;
  readonly data: object;
}

/** The event with its id (derived from a natural key, so a retry is idempotent) and metadata, ready to append. */
export function eventToAppend(id: string, event: TypedEvent, metadata?: JsonObject): EventToAppend {
  const data = toJsonObject(event.data, event.type);
  return metadata === undefined ? { id, type: event.type, data } : { id, type: event.type, data, metadata };
}

/**
 * A copy of `data` as JSON: plain objects, arrays, strings, finite numbers, booleans and null.
 * A key holding `undefined` is left out (as JSON.stringify does); anything else (a Date, a Map,
 * a bigint, NaN, an `undefined` in an array) throws InvalidAppendError naming where it is.
 */
export function toJsonObject(data: object, path = 'data'): JsonObject {
  if (Array.isArray(data)) throw new InvalidAppendError(`${path} is an array, not a JSON object`);
  // The keys down to the value in hand, pushed and popped as the copy goes: the place is named
  // only when something is refused (a path string per member was most of what this copy allocated).
  const at: (string | number)[] = [];
  const where = (): string => path + at.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  const plainObject = (value: object): JsonObject => {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new InvalidAppendError(`${where()} is a ${value.constructor?.name ?? 'non-plain object'}, not a JSON object`);
    const out: Record<string, JsonValue> = {};
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const v: unknown = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      at.push(key);
      const copy = toJson(v);
      at.pop();
      // JSON.parse makes "__proto__" an own key; an assignment would set the prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
      else out[key] = copy;
    }
    return out;
  };
  const toJson = (value: unknown): JsonValue => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value)) return value;
        throw new InvalidAppendError(`${where()} is ${value}, which JSON cannot hold`);
      case 'object': {
        if (value === null) return null;
        if (!Array.isArray(value)) return plainObject(value);
        const out: JsonValue[] = new Array<JsonValue>(value.length);
        for (let i = 0; i < value.length; i++) {
          // A hole stays a hole (as Array.prototype.map keeps it); an undefined element is refused.
          if (!(i in value)) continue;
          at.push(i);
          out[i] = toJson(value[i]);
          at.pop();
        }
        return out;
      }
      default:
        throw new InvalidAppendError(`${where()} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, which JSON cannot hold`);
    }
  };
  return plainObject(data);
}
