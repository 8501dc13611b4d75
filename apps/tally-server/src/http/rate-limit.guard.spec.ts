// RateLimitGuard must answer every request exactly as @nestjs/throttler's ThrottlerGuard does with
// the same options: let it through or refuse it (429, the library's message), with the same
// headers and values. Both guards are driven through the same requests at the same instants, each
// with a storage of its own of the one kind ours reads (the storage itself is held to the
// library's by hit-log-throttler.storage.spec.ts), and compared request by request.
import { HttpException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { HitLogThrottlerStorage } from './hit-log-throttler.storage';
import { RateLimitGuard, rateLimitOptions } from './rate-limit.guard';

class CommissionSubmissionsController {
  submit(): void {}
  turnout(): void {}
}

type Answer = { readonly allowed: boolean; readonly status?: number; readonly message?: string; readonly headers: readonly (readonly [string, unknown])[] };
type Request = { readonly at: number; readonly address: string; readonly route: 'submit' | 'turnout' };

function contextFor(request: Request, headers: [string, unknown][]): ExecutionContext {
  const req = { socket: { remoteAddress: request.address }, headers: {} };
  const reply = { header: (name: string, value: unknown) => headers.push([name, value]) };
  return {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply, getNext: () => undefined }),
    getClass: () => CommissionSubmissionsController,
    getHandler: () => CommissionSubmissionsController.prototype[request.route],
  } as unknown as ExecutionContext;
}

async function answer(activate: (context: ExecutionContext) => boolean | Promise<boolean>, request: Request): Promise<Answer> {
  const headers: [string, unknown][] = [];
  try {
    return { allowed: await activate(contextFor(request, headers)), headers };
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { allowed: false, status: error.getStatus(), message: error.message, headers };
  }
}

/** The storage the options carry (rateLimitOptions' own). */
function storageOf(options: ThrottlerModuleOptions): HitLogThrottlerStorage {
  const storage = Array.isArray(options) ? undefined : (options as Exclude<ThrottlerModuleOptions, unknown[]>).storage;
  if (!(storage instanceof HitLogThrottlerStorage)) throw new Error('the options carry no HitLogThrottlerStorage');
  return storage;
}

async function compare(requests: readonly Request[], options: () => ThrottlerModuleOptions): Promise<Answer[]> {
  const libraryOptions = options();
  const library = new ThrottlerGuard(libraryOptions, storageOf(libraryOptions), new Reflector());
  await library.onModuleInit();
  const oursOptions = options();
  const ours = new RateLimitGuard(oursOptions, storageOf(oursOptions));
  const answers: Answer[] = [];
  for (const request of requests) {
    jest.setSystemTime(request.at);
    const expected = await answer((c) => library.canActivate(c), request);
    expect({ ...request, ...(await answer((c) => ours.canActivate(c), request)) }).toEqual({ ...request, ...expected });
    answers.push(expected);
  }
  return answers;
}

/** Bursts from a few addresses (IPv4 and IPv6 of one /64 among them) on two routes, with pauses past the window. */
function requests(count: number, seed: number): Request[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const addresses = ['10.0.0.1', '10.0.0.2', '2001:db8::1', '2001:db8::2', '::ffff:10.0.0.1'];
  const out: Request[] = [];
  let at = 1_000_000;
  for (let i = 0; i < count; i++) {
    const r = rand();
    at += r < 0.5 ? 0 : r < 0.9 ? Math.floor(rand() * 300) : Math.floor(rand() * 5000);
    out.push({ at, address: addresses[Math.floor(rand() * addresses.length)], route: rand() < 0.8 ? 'submit' : 'turnout' });
  }
  return out;
}

describe('RateLimitGuard', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("answers as the library's ThrottlerGuard does, with the service's options: through or 429, the same headers", async () => {
    const answers = await compare(requests(3000, 7), () => rateLimitOptions({ rateLimit: 5, rateWindowMs: 1000, trustProxy: false }));
    // The run went through both outcomes, and over the limit the library's Retry-After.
    expect(answers.filter((a) => a.allowed).length).toBeGreaterThan(100);
    const refused = answers.filter((a) => !a.allowed);
    expect(refused.length).toBeGreaterThan(100);
    expect(refused.every((a) => a.status === 429 && a.headers.length === 1 && a.headers[0][0] === 'Retry-After')).toBe(true);
  });

  it('answers as the library does with a named throttler and a block longer than the window', async () => {
    await compare(requests(2000, 11), () => {
      const options = rateLimitOptions({ rateLimit: 3, rateWindowMs: 500, trustProxy: false }) as Exclude<ThrottlerModuleOptions, unknown[]>;
      return { ...options, throttlers: [{ name: 'commissions', ttl: 500, limit: 3, blockDuration: 4000 }] };
    });
  });

  it('refuses at start what it could not judge as the library would', () => {
    const base = rateLimitOptions({ rateLimit: 5, rateWindowMs: 1000, trustProxy: false }) as Exclude<ThrottlerModuleOptions, unknown[]>;
    const storage = storageOf(base);
    const cases: ThrottlerModuleOptions[] = [
      { ...base, throttlers: [...base.throttlers, { name: 'long', ttl: 60_000, limit: 100 }] },
      { ...base, throttlers: [{ ttl: 1000, limit: () => 5 }] },
      { ...base, skipIf: () => false },
      { ...base, ignoreUserAgents: [/bot/] },
      { ...base, setHeaders: false },
      { ...base, errorMessage: 'slow down' },
      { ...base, getTracker: undefined },
    ];
    for (const options of cases) expect(() => new RateLimitGuard(options, storage)).toThrow(/RateLimitGuard: .*ThrottlerGuard/);
    expect(() => new RateLimitGuard(base, { increment: storage.increment.bind(storage) })).toThrow(/HitLogThrottlerStorage/);
  });
});
