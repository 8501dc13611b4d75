// The admin and auditor API tokens. Read once from the configuration and kept only as SHA-256
// digests; a presented token is hashed and compared in constant time, so neither the token nor
// a timing side channel stays around in memory longer than start-up.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../infrastructure/tokens';

export type ApiRole = 'admin' | 'auditor';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export type TokenCheck = { readonly ok: true; readonly role: ApiRole } | { readonly ok: false; readonly problem: 'missing' | 'bad' | 'not-configured' };

@Injectable()
export class ApiTokens {
  private readonly digests: ReadonlyMap<ApiRole, Buffer>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const digests = new Map<ApiRole, Buffer>();
    if (config.adminToken) digests.set('admin', digest(config.adminToken));
    if (config.auditorToken) digests.set('auditor', digest(config.auditorToken));
    this.digests = digests;
  }

  /** The bearer token of an Authorization header, if it has one. */
  static bearer(header: string | undefined): string | undefined {
    const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
    return match?.[1];
  }

  /** Whether the header carries a token of one of `roles`. Every configured digest is compared, always. */
  check(authorization: string | undefined, roles: readonly ApiRole[]): TokenCheck {
    const configured = roles.filter((r) => this.digests.has(r));
    if (configured.length === 0) return { ok: false, problem: 'not-configured' };
    const token = ApiTokens.bearer(authorization);
    if (token === undefined) return { ok: false, problem: 'missing' };
    const presented = digest(token);
    let match: ApiRole | undefined;
    for (const role of configured) if (timingSafeEqual(presented, this.digests.get(role)!) && match === undefined) match = role;
    return match ? { ok: true, role: match } : { ok: false, problem: 'bad' };
  }
}
