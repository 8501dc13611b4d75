// `@RequireRole('admin')` on a handler: the request must carry that role's bearer token.
import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../http/http-request';
import { problem, ProblemException } from '../http/problem';
import { ApiTokens, type ApiRole } from './api-tokens.service';

const ROLES_KEY = 'tally:api-roles';

/** The roles whose token admits the request (any of them). */
export const RequireRole = (...roles: ApiRole[]) => SetMetadata(ROLES_KEY, roles);

@Injectable()
export class ApiRoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<ApiRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const check = this.tokens.check(request.headers.authorization, roles);
    if (check.ok) return true;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="tally"' };
    switch (check.problem) {
      case 'missing':
        throw new ProblemException([problem('TOKEN_REQUIRED', 'Authorization', `this needs the ${roles.join(' or ')} token as "Authorization: Bearer <token>"`, { roles: roles.join(',') })], challenge);
      case 'bad':
        throw new ProblemException([problem('BAD_TOKEN', 'Authorization', `the token is not the ${roles.join(' or ')} token`, { roles: roles.join(',') })], challenge);
      case 'not-configured':
        throw new ProblemException([problem('ROLE_NOT_CONFIGURED', 'Authorization', `no ${roles.join(' or ')} token is configured on this server (TALLY_ADMIN_TOKEN / TALLY_AUDITOR_TOKEN)`, { roles: roles.join(',') })]);
      default: {
        const never: never = check.problem;
        throw new Error(`unknown token problem ${String(never)}`);
      }
    }
  }
}
