// The first guard of every route (APP_GUARD, HttpModule): a body the body reader found wrong is
// answered before anything else the route checks, tokens and rate limits included, as it was
// when the reader answered it itself; now it is the route's exception filters that answer it,
// so a route that keeps a record of its refusals (intake's) keeps these too.
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { HttpRequest } from './http-request';
import { ProblemException } from './problem';

@Injectable()
export class BodyProblemGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const problems = context.switchToHttp().getRequest<HttpRequest>().bodyProblems;
    if (problems !== undefined) throw new ProblemException(problems);
    return true;
  }
}
