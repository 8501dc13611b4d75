// Live results per commission over server-sent events.
//
// - One channel per watched (election, commission): created when the first subscriber comes,
//   dropped some minutes after the last one left. Only watched commissions cost anything: a
//   national election has a million commissions and nobody watches most of them.
// - Coalescing: the projector reports every applied event; a channel collects the contests that
//   moved and sends at most one frame per window (leading edge on the next tick, so one store
//   batch is one frame; then at most one per `windowMs`).
// - Frame id = the store position the frame's figures reflect. Each channel keeps a bounded ring
//   of its frames; a client reconnecting with Last-Event-ID = X gets exactly the ring's frames
//   after X if the ring still covers X (X ≥ the id of the newest frame it dropped, or of the
//   position it was created at), else one full `snapshot` frame. A client never receives an id
//   it has already passed, so no frame is sent twice.
// - Pushes happen only after the projector applied an event; a rebuild sends one `reset` frame.
// - The results embargo (results/embargo.ts): frames are public, so before an election's release
//   instant they carry turnout and progress only. Within a second of the instant every subscriber gets
//   a full `snapshot`, and no Last-Event-ID from before it resumes (its frames held no results).
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isEmbargoed, type ChangedCommission, type ResultsView } from '@tally/domain';
import { comparePositions, START_POSITION } from '@tally/event-store';
import type { Response } from 'express';
import { ProjectorService } from '../projector/projector.service';
import { ElectionRegistry } from '../elections/election-registry.service';
import { ResultsEmbargo } from '../results/embargo';
import { withStatus } from '../results/figure-status';
import { commissionPayload, withEmbargo, type CommissionPayload } from '../results/results.presenter';

export interface LiveOptions {
  /** At most one frame per commission per window. */
  readonly windowMs: number;
  /** Frames kept per commission for resumption. */
  readonly ringSize: number;
  readonly heartbeatMs: number;
  /** How long a commission nobody watches keeps its ring (a reconnect within it resumes exactly). */
  readonly idleTtlMs: number;
  /** A subscriber this far behind is disconnected; it reconnects with Last-Event-ID and catches up. */
  readonly maxBufferedBytes: number;
}

export const LIVE_OPTIONS = Symbol('LIVE_OPTIONS');

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  windowMs: 250,
  ringSize: 1024,
  heartbeatMs: 15_000,
  idleTtlMs: 10 * 60_000,
  maxBufferedBytes: 4 * 1024 * 1024,
};

export type FrameType = 'snapshot' | 'results' | 'reset';

/** The `data:` of every frame: the commission payload, whole (`full`) or the contests that changed. */
export type FrameData = CommissionPayload & { readonly full: boolean };

interface Frame {
  readonly id: string;
  readonly text: string;
}

interface Client {
  readonly res: Response;
  /** The newest frame id this client has: nothing at or before it is sent again. */
  lastId: string;
}

interface Channel {
  readonly electionId: string;
  readonly commissionId: string;
  readonly ring: Frame[];
  /** Ring covers every Last-Event-ID ≥ this. */
  ringFrom: string;
  readonly clients: Set<Client>;
  pending: Set<string> | undefined;
  timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  lastFlushAt: number;
  idleSince: number | undefined;
  snapshot: Frame | undefined;
  /** Set when the embargo was lifted: a Last-Event-ID at or before it gets a snapshot, never the withheld frames. */
  releasedAt: string | undefined;
}

const key = (electionId: string, commissionId: string): string => `${electionId}\u0000${commissionId}`;
const POSITION = /^\d+:\d+$/;

export function sseFrame(id: string | null, event: FrameType, data: unknown): string {
  return `${id === null ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

@Injectable()
export class LiveResultsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly channels = new Map<string, Channel>();
  private readonly options: LiveOptions;
  private heartbeat: NodeJS.Timeout | undefined;
  private removeListener: (() => void) | undefined;
  private removeStatusListener: (() => void) | undefined;
  private framesSent = 0;
  /** Embargoed elections with channels, checked every second (at most a second late; no timer to drift or fire early). */
  private readonly embargoed = new Set<string>();
  private releaseCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly projector: ProjectorService,
    private readonly embargo: ResultsEmbargo,
    private readonly registry: ElectionRegistry,
    @Optional() @Inject(LIVE_OPTIONS) options?: Partial<LiveOptions>,
  ) {
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...options };
  }

  onModuleInit(): void {
    this.removeListener = this.projector.engine.addListener({
      onApplied: (electionId, changes) => this.onApplied(electionId, changes),
      onReset: (electionId, position) => this.onReset(electionId, position),
    });
    // A summary or certification changes no vote, only how final the figures are: a snapshot carries the new status.
    this.removeStatusListener = this.registry.onStatusChange((electionId) => this.resend(electionId, false));
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    this.removeListener?.();
    this.removeStatusListener?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.releaseCheck) clearInterval(this.releaseCheck);
    this.embargoed.clear();
    // Open streams would keep the HTTP server from closing.
    for (const channel of this.channels.values()) {
      this.cancel(channel);
      for (const client of channel.clients) client.res.end();
      channel.clients.clear();
    }
    this.channels.clear();
  }

  stats(): { channels: number; subscribers: number; framesSent: number } {
    let subscribers = 0;
    for (const c of this.channels.values()) subscribers += c.clients.size;
    return { channels: this.channels.size, subscribers, framesSent: this.framesSent };
  }

  /** Starts a stream; the caller has checked that the election and the commission exist. */
  connect(electionId: string, commissionId: string, lastEventId: string | undefined, res: Response): void {
    const view = this.projector.engine.view(electionId);
    if (!view) throw new Error(`live: unknown election ${electionId}`);
    const current = view.cursor.position ?? START_POSITION;
    const channel = this.channel(electionId, commissionId, current);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write('retry: 2000\n\n');

    const client: Client = { res, lastId: current };
    const x = lastEventId?.trim();
    const resumable =
      x && POSITION.test(x) && comparePositions(x, channel.ringFrom) >= 0 && comparePositions(x, current) <= 0 && (channel.releasedAt === undefined || comparePositions(x, channel.releasedAt) > 0);
    if (resumable) {
      client.lastId = x;
      for (const frame of channel.ring) if (comparePositions(frame.id, client.lastId) > 0) this.send(client, frame);
    } else {
      this.send(client, this.snapshotFrame(channel, current));
    }
    channel.clients.add(client);
    channel.idleSince = undefined;
    res.on('close', () => {
      channel.clients.delete(client);
      if (channel.clients.size === 0) channel.idleSince = Date.now();
    });
  }

  private channel(electionId: string, commissionId: string, current: string): Channel {
    const k = key(electionId, commissionId);
    let channel = this.channels.get(k);
    if (!channel) {
      channel = {
        electionId,
        commissionId,
        ring: [],
        ringFrom: current,
        clients: new Set(),
        pending: undefined,
        timer: undefined,
        lastFlushAt: 0,
        idleSince: undefined,
        snapshot: undefined,
        releasedAt: undefined,
      };
      this.channels.set(k, channel);
      this.watchRelease(electionId);
    }
    return channel;
  }

  /** The payload as every subscriber may see it: under the embargo, turnout and progress only. */
  private publicPayload(view: ResultsView, commissionId: string, contestIds?: Iterable<string>): CommissionPayload | undefined {
    const payload = commissionPayload(view, commissionId, contestIds);
    if (!payload) return undefined;
    const definition = view.election.definition;
    const judged = withStatus(payload, this.registry.lifecycle(definition.id), view.election);
    return withEmbargo(judged, this.embargo.state(definition), this.embargo.withholds(definition, undefined));
  }

  private watchRelease(electionId: string): void {
    const definition = this.projector.engine.view(electionId)?.election.definition;
    if (!definition || this.embargoed.has(electionId)) return;
    if (!isEmbargoed(this.embargo.release(definition), this.embargo.now())) return;
    this.embargoed.add(electionId);
    if (this.releaseCheck) return;
    this.releaseCheck = setInterval(() => this.checkReleases(), 1000);
    this.releaseCheck.unref();
  }

  private checkReleases(): void {
    for (const electionId of this.embargoed) {
      const definition = this.projector.engine.view(electionId)?.election.definition;
      if (definition && isEmbargoed(this.embargo.release(definition), this.embargo.now())) continue;
      this.embargoed.delete(electionId);
      this.resend(electionId, true);
    }
    if (this.embargoed.size === 0 && this.releaseCheck) {
      clearInterval(this.releaseCheck);
      this.releaseCheck = undefined;
    }
  }

  /**
   * A full snapshot to every channel of the election at its current position: when the embargo is
   * lifted (`release`: the frames withheld before it are never replayed), or when the status of
   * its figures changed (a summary, a certification) with no vote moving.
   */
  private resend(electionId: string, release: boolean): void {
    const view = this.projector.engine.view(electionId);
    if (!view) return;
    const position = view.cursor.position ?? START_POSITION;
    for (const channel of this.channels.values()) {
      if (channel.electionId !== electionId) continue;
      this.cancel(channel);
      channel.ring.length = 0;
      channel.ringFrom = position;
      if (release) channel.releasedAt = position;
      channel.snapshot = undefined;
      const payload = this.publicPayload(view, channel.commissionId);
      if (!payload) continue;
      // Same position as the clients may have: the snapshot replaces their state (with the results in, or the new status).
      const frame: Frame = { id: position, text: sseFrame(position, 'snapshot', { ...payload, full: true } satisfies FrameData) };
      for (const client of channel.clients) {
        this.send(client, frame);
        client.lastId = position;
      }
    }
    this.logger.log(`results of ${electionId} released: subscribers sent full snapshots`);
  }

  private onApplied(electionId: string, changes: readonly ChangedCommission[]): void {
    if (this.channels.size === 0) return;
    for (const change of changes) {
      const channel = this.channels.get(key(electionId, change.commissionId));
      if (!channel) continue;
      channel.pending ??= new Set();
      for (const c of change.contestIds) channel.pending.add(c);
      if (channel.timer) continue;
      const wait = channel.lastFlushAt + this.options.windowMs - performance.now();
      channel.timer = wait <= 0 ? setImmediate(() => this.flush(channel)) : setTimeout(() => this.flush(channel), wait);
    }
  }

  private flush(channel: Channel): void {
    channel.timer = undefined;
    const contests = channel.pending;
    channel.pending = undefined;
    const view = this.projector.engine.view(channel.electionId);
    const position = view?.cursor.position;
    if (!view || !position || !contests) return;
    const last = channel.ring[channel.ring.length - 1];
    if (comparePositions(position, last?.id ?? channel.ringFrom) <= 0) return;
    channel.lastFlushAt = performance.now();
    const payload = this.publicPayload(view, channel.commissionId, contests);
    if (!payload) return;
    const frame: Frame = { id: position, text: sseFrame(position, 'results', { ...payload, full: false } satisfies FrameData) };
    channel.ring.push(frame);
    if (channel.ring.length > this.options.ringSize) channel.ringFrom = (channel.ring.shift() as Frame).id;
    for (const client of channel.clients) if (comparePositions(frame.id, client.lastId) > 0) this.send(client, frame);
  }

  private onReset(electionId: string, position: string): void {
    for (const channel of this.channels.values()) {
      if (channel.electionId !== electionId) continue;
      this.cancel(channel);
      channel.ring.length = 0;
      channel.ringFrom = position;
      channel.snapshot = undefined;
      const view = this.projector.engine.view(electionId);
      const payload = view && this.publicPayload(view, channel.commissionId);
      if (!payload) continue;
      // The reset repeats the position the clients may already have: it replaces their state, it adds no change.
      const frame: Frame = { id: position, text: sseFrame(position, 'reset', { ...payload, full: true } satisfies FrameData) };
      for (const client of channel.clients) {
        this.send(client, frame);
        client.lastId = position;
      }
    }
  }

  private snapshotFrame(channel: Channel, position: string): Frame {
    // Many subscribers arriving together (a page shared on the evening news) share one build.
    if (channel.snapshot?.id === position) return channel.snapshot;
    const view = this.projector.engine.view(channel.electionId);
    const payload = view && this.publicPayload(view, channel.commissionId);
    if (!payload) throw new Error(`live: unknown commission ${channel.commissionId}`);
    channel.snapshot = { id: position, text: sseFrame(position, 'snapshot', { ...payload, full: true } satisfies FrameData) };
    return channel.snapshot;
  }

  private send(client: Client, frame: Frame): void {
    const res = client.res;
    if (res.writableEnded || res.destroyed) return;
    res.write(frame.text);
    this.framesSent++;
    if (comparePositions(frame.id, client.lastId) > 0) client.lastId = frame.id;
    if (res.writableLength > this.options.maxBufferedBytes) {
      this.logger.warn(`a subscriber of ${frame.id} fell ${res.writableLength} bytes behind: disconnected (it resumes with Last-Event-ID)`);
      res.destroy();
    }
  }

  private cancel(channel: Channel): void {
    if (channel.timer) {
      clearTimeout(channel.timer as NodeJS.Timeout);
      clearImmediate(channel.timer as NodeJS.Immediate);
    }
    channel.timer = undefined;
    channel.pending = undefined;
  }

  private beat(): void {
    const now = Date.now();
    for (const [k, channel] of this.channels) {
      if (channel.clients.size === 0 && channel.idleSince !== undefined && now - channel.idleSince > this.options.idleTtlMs) {
        this.cancel(channel);
        this.channels.delete(k);
        continue;
      }
      for (const client of channel.clients) if (!client.res.writableEnded) client.res.write(': heartbeat\n\n');
    }
  }
}
