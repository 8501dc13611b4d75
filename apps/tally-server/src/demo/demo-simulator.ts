// `--simulate`: plays the demo election night against this very process through the real intake
// path (signed HTTP requests with the demo keys to its own port), so the dashboards move. Starts
// once the server listens, logs progress, keeps within the intake's rate limit (honouring 429
// Retry-After), and stops cleanly on shutdown.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { almatyCity2023Definition, almatyCity2023Protocols, type ElectionIndex } from '@tally/domain';
import { ElectionRegistry } from '../elections/election-registry.service';
import { HTTP_CONFIG, type HttpConfig } from '../http/http.config';
import { CommissionClient, type SubmitResult } from './commission-client';
import { planElectionNight, type PlannedSubmission } from './election-night';

/** Requests in flight at most: enough to keep up at high speeds, few enough to stay a demo. */
const MAX_IN_FLIGHT = 8;

export interface SimulationOptions {
  /** 1 = about four minutes for the night; 2 twice as fast. */
  readonly speed: number;
}

/** `--simulate` (and optionally `--speed=<factor>`) in the process arguments; undefined without `--simulate`. */
export function parseSimulateArgs(argv: readonly string[]): SimulationOptions | undefined {
  if (!argv.includes('--simulate')) return undefined;
  const speedArg = argv.find((a) => a.startsWith('--speed='));
  const speed = speedArg ? Number(speedArg.slice('--speed='.length)) : 1;
  return { speed: Number.isFinite(speed) && speed > 0 ? speed : 1 };
}

/** Starts the simulation once the app's HTTP server listens (called by createApp). */
export function startSimulationWhenListening(app: INestApplication, options: SimulationOptions): void {
  const server = app.getHttpServer() as Server;
  const simulator = app.get(DemoSimulator, { strict: false });
  server.once('listening', () => {
    const address = server.address() as AddressInfo;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    simulator.start(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, options);
  });
}

@Injectable()
export class DemoSimulator implements OnModuleDestroy {
  private readonly logger = new Logger('Demo');
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly registry: ElectionRegistry,
    @Inject(HTTP_CONFIG) private readonly http: HttpConfig,
  ) {}

  start(baseUrl: string, options: SimulationOptions): void {
    this.running ??= this.run(baseUrl, options).catch((e) => this.logger.error(`simulation failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async run(baseUrl: string, options: SimulationOptions): Promise<void> {
    const electionId = almatyCity2023Definition().id;
    const election = await this.registry.waitFor(electionId, 10_000);
    if (!election) {
      this.logger.error(`the demo election ${electionId} is not loaded (TALLY_DEMO=false?): nothing to simulate`);
      return;
    }
    const alreadyReported = await this.reported(baseUrl, election);
    const plan = planElectionNight(election, almatyCity2023Protocols(election.definition), { alreadyReported });
    if (plan.length === 0) {
      this.logger.log(`every precinct of ${electionId} has reported already; remove the data directory to play the night again`);
      return;
    }
    // Stay under the intake's per-address rate limit: the whole demo comes from one address.
    const minGapMs = this.http.rateWindowMs / this.http.rateLimit;
    const naturalMs = plan[plan.length - 1].at / options.speed;
    const paced = Math.max(naturalMs, plan.length * minGapMs);
    this.logger.log(
      `simulating ${electionId}: ${plan.length} submissions over about ${Math.ceil(paced / 60_000)} min` +
        (paced > naturalMs * 1.2 ? ` (held back by the rate limit of ${this.http.rateLimit} per ${this.http.rateWindowMs} ms; raise TALLY_RATE_LIMIT to go faster)` : ''),
    );
    const client = new CommissionClient(baseUrl, electionId);
    const counts = { accepted: 0, refused: 0, done: 0 };
    const started = performance.now();
    let lastRequest = -Infinity;
    let phase = '';
    // A few requests in flight when behind schedule; one precinct's submissions stay in order
    // (its turnout only grows, its correction follows its protocol).
    const chains = new Map<string, Promise<void>>();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < plan.length && !this.stopped; i++) {
      const item = plan[i];
      const due = started + Math.max(item.at / options.speed, lastRequest + minGapMs - started);
      await this.sleep(due - performance.now());
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      if (this.stopped) break;
      const label = item.kind === 'turnout' ? `turnout at ${item.time}` : 'protocols';
      if (label !== phase) {
        phase = label;
        this.logger.log(`${label}…`);
      }
      lastRequest = performance.now();
      const send = async () => {
        let result = await this.submit(client, item);
        while (result.kind === 'rate-limited' && !this.stopped) {
          await this.sleep(result.retryAfterMs);
          result = await this.submit(client, item);
        }
        if (result.kind === 'accepted') counts.accepted++;
        else if (result.kind === 'refused') {
          counts.refused++;
          this.logger.log(`refused at intake: ${item.kind} of ${item.precinctId}: ${result.code} (${result.detail})`);
        }
        if (++counts.done % 100 === 0) this.logger.log(`${counts.done}/${plan.length} submitted (${counts.accepted} accepted, ${counts.refused} refused at intake)`);
      };
      const task: Promise<void> = (chains.get(item.precinctId) ?? Promise.resolve())
        .then(send)
        .catch((e) => this.logger.warn(`${item.kind} of ${item.precinctId} not sent: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          inFlight.delete(task);
          if (chains.get(item.precinctId) === task) chains.delete(item.precinctId);
        });
      chains.set(item.precinctId, task);
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    this.logger.log(`${this.stopped ? 'stopped' : 'done'}: ${counts.accepted} accepted, ${counts.refused} refused at intake`);
  }

  private submit(client: CommissionClient, item: PlannedSubmission): Promise<SubmitResult> {
    switch (item.kind) {
      case 'turnout':
        return client.reportTurnout(item.precinctId, item.time, item.ballotsIssued, item.version);
      case 'protocol':
        return client.submitProtocol(item.precinctId, item.protocol);
      case 'correction':
        return client.correctProtocol(item.precinctId, item.protocol, item.reason, item.corrector, item.version);
      default: {
        const never: never = item;
        throw new Error(`unknown planned submission ${JSON.stringify(never)}`);
      }
    }
  }

  /** Precincts with every protocol in, from the public tree (works whichever process projects). */
  private async reported(baseUrl: string, election: ElectionIndex): Promise<Set<string>> {
    try {
      const res = await fetch(`${baseUrl}/v1/elections/${election.definition.id}/tree?precincts=true`);
      if (!res.ok) return new Set();
      const done = new Set<string>();
      const walk = (n: { id: string; level: string; precincts: { reported: number }; children?: unknown[] }) => {
        if (n.level === 'precinct' && n.precincts.reported === 1) done.add(n.id);
        for (const c of n.children ?? []) walk(c as typeof n);
      };
      walk((await res.json()) as Parameters<typeof walk>[0]);
      return done;
    } catch {
      return new Set();
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
