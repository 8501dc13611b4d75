// Who records: the instance id every event this process appends carries as `recordedBy`.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const RECORDER_IDENTITY = Symbol('RECORDER_IDENTITY');

export interface RecorderIdentity {
  readonly instanceId: string;
}

export function recorderIdentity(configured: string | undefined): RecorderIdentity {
  return { instanceId: configured ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}` };
}
