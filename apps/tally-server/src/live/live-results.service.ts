// Live results per commission over server-sent events.
//
// - One channel per watched (election, commission): created when the first subscriber comes,
//   dropped some minutes after the last one left. Only watched commissions cost anything: a
//   national election has a million commissions and nobody watches most of them.
// - Coalescing: the projector reports every applied event; a channel collects the contests that
//   moved and sends at most one frame per window (leading edge on the next tick, so one store
//   batch is one frame; then at most one per `windowMs`).
// - A write budget: a frame is one socket write per subscriber, and the writes are most of the
//   projector's cost (the kernel's, ~14-18 µs each measured here), so a process writes at most
//   `maxWritesPerSecond` frames a second on average: past `maxWritesPerSecond × windowMs / 1000`
//   subscribers, every channel's window stretches to `subscribers × 1000 / maxWritesPerSecond` ms.
//   A crowd makes the frames less frequent, each carrying more, rather than taking the fold's core.
// - Deltas (frame-delta.ts): a `results` frame carries only what changed since the channel's
//   previous frame (a patch of the payload: the children rows, the figures, the seats that moved),
//   so the channel keeps the payload of its latest frame (`base`) to diff against. `snapshot` and
//   `reset` frames are whole; a snapshot is always the base, at the latest frame's id, so the next
//   delta applies to it.
// - A frame is serialized once, to bytes, per channel: every subscriber is written the same Buffer.
// - Frame id = the store position the frame's figures reflect. Each channel keeps a ring of its
//   frames, bounded in count and in bytes; a client reconnecting with Last-Event-ID = X gets exactly the ring's frames
//   after X if X is the id of one of them or of the state the oldest follows (a delta applies only to
//   the payload of the frame before it), else one full `snapshot` frame. A client never receives an id
//   it has already passed, so no frame is sent twice.
// - Pushes happen only after the projector applied an event; a rebuild sends one `reset` frame.
// - Bounded memory: at most `maxSubscribers` streams per process and `maxChannels` channels (an
//   idle channel is evicted to make room); past either, 503 SUBSCRIBERS_FULL with Retry-After. A
//   subscriber whose socket does not take a frame (write() says the buffer is full) is written
//   nothing more until it drains; then it catches up from the ring (the frames it missed) or, if
//   the ring no longer covers it, with one `snapshot`. So a slow reader costs one frame beyond its
//   socket's buffer, never a growing queue; one that does not drain within `stallMs` is evicted
//   (it reconnects with Last-Event-ID).
// - The results embargo (results/embargo.ts): frames are public, so before an election's release
//   instant they carry turnout and progress only. Within a second of the instant every subscriber gets
//   a full `snapshot`, and no Last-Event-ID from before it resumes (its frames held no results).
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { isEmbargoed, type ChangedCommission, type ResultsView } from '@tally/domain';
import { comparePositions, START_POSITION } from '@tally/event-store';
import { ProjectorService } from '../projector/projector.service';
import { ElectionRegistry } from '../elections/election-registry.service';
import { ResultsEmbargo } from '../results/embargo';
import { withStatus } from '../results/figure-status';
import { commissionPayload, withEmbargo, type CommissionPayload } from '../results/results.presenter';
import { payloadDelta, withChanges, type FrameData } from './frame-delta';
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from './live-options';

export const LIVE_OPTIONS = Symbol('LIVE_OPTIONS');

/** Why a stream was refused: the process holds as many subscribers, or channels, as it may, or the client's address as many streams. */
export interface LiveRefusal {
  readonly limitKind: 'subscribers' | 'channels' | 'streams of one address';
  readonly limit: number;
  readonly retryAfterSeconds: number;
}

export type FrameType = 'snapshot' | 'results' | 'reset';

export type { FrameData } from './frame-delta';

/**
 * What the service uses of an HTTP response (node:http's ServerResponse, Express's Response): its
 * head, its writes and their buffer, its end. Anything with these carries a stream (the tests' slow
 * reader does).
 */
export interface LiveStream {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
  readonly socket?: { setNoDelay(noDelay?: boolean): unknown } | null;
  /** false: the socket's buffer is full, 'drain' says when it takes writes again. */
  write(chunk: Buffer | string): boolean;
  readonly writableLength: number;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  end(): unknown;
  destroy(): unknown;
}

interface Frame {
  readonly id: string;
  /** The whole SSE frame, UTF-8: encoded once, written to every subscriber as it is. */
  readonly bytes: Buffer;
}

interface Client {
  readonly res: LiveStream;
  readonly channel: Channel;
  /** The newest frame id this client has: nothing at or before it is sent again. */
  lastId: string;
  /** Since when its socket has not taken a write (undefined: it takes them): nothing is written until it drains. */
  blockedSince: number | undefined;
  /** A full frame (reset, release, status) passed while it was blocked: it gets a snapshot on drain. */
  needsFull: boolean;
}

interface Channel {
  readonly electionId: string;
  readonly commissionId: string;
  readonly ring: Frame[];
  ringBytes: number;
  /** The state the ring's oldest frame follows: a Last-Event-ID of it, or of a frame in the ring, resumes. */
  ringFrom: string;
  /** The payload as of the latest frame (or ringFrom): what the next delta is taken from, and what a snapshot sends. */
  base: CommissionPayload;
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

const frameOf = (id: string, event: FrameType, data: FrameData): Frame => ({ id, bytes: Buffer.from(sseFrame(id, event, data), 'utf8') });
const fullFrame = (id: string, event: Exclude<FrameType, 'results'>, payload: CommissionPayload): Frame => frameOf(id, event, { ...payload, full: true });
/** The id of the channel's latest frame: the state its base is at. */
const latestId = (channel: Channel): string => channel.ring[channel.ring.length - 1]?.id ?? channel.ringFrom;

/** Index in the ring of the first frame after `id`, or -1 when the ring does not follow from `id` (not one of its ids). */
function resumeIndex(channel: Channel, id: string): number {
  if (id === channel.ringFrom) return 0;
  for (let i = channel.ring.length - 1; i >= 0; i--) if (channel.ring[i].id === id) return i + 1;
  return -1;
}

/** When a full process asks a refused client to come back: streams end as viewers leave, in seconds to minutes. */
const RETRY_AFTER_SECONDS = 5;
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

@Injectable()
export class LiveResultsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly channels = new Map<string, Channel>();
  private readonly options: LiveOptions;
  private heartbeat: NodeJS.Timeout | undefined;
  private removeListener: (() => void) | undefined;
  private removeStatusListener: (() => void) | undefined;
  private framesSent = 0;
  private subscribers = 0;
  /** Open streams by client address (LiveOptions.maxPerAddress); an address with none is not kept. */
  private readonly perAddress = new Map<string, number>();
  private evicted = 0;
  private refused = 0;
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
    this.subscribers = 0;
    this.perAddress.clear();
  }

  /** The window every channel keeps now: windowMs, or longer when the subscribers would take more writes than the budget. */
  windowMs(): number {
    return Math.max(this.options.windowMs, Math.ceil((this.subscribers * 1000) / this.options.maxWritesPerSecond));
  }

  stats(): { channels: number; subscribers: number; framesSent: number; blocked: number; bufferedBytes: number; evicted: number; refused: number; windowMs: number } {
    let blocked = 0;
    let bufferedBytes = 0;
    for (const c of this.channels.values()) {
      for (const client of c.clients) {
        if (client.blockedSince !== undefined) blocked++;
        bufferedBytes += client.res.writableLength;
      }
    }
    return { channels: this.channels.size, subscribers: this.subscribers, framesSent: this.framesSent, blocked, bufferedBytes, evicted: this.evicted, refused: this.refused, windowMs: this.windowMs() };
  }

  /**
   * Whether a stream for this commission can be opened now: undefined, or why not. A full
   * process asks the client to come back later rather than growing without bound.
   */
  admit(electionId: string, commissionId: string, address: string): LiveRefusal | undefined {
    const retryAfterSeconds = RETRY_AFTER_SECONDS;
    if ((this.perAddress.get(address) ?? 0) >= this.options.maxPerAddress) {
      return this.refuse({ limitKind: 'streams of one address', limit: this.options.maxPerAddress, retryAfterSeconds });
    }
    if (this.subscribers >= this.options.maxSubscribers) return this.refuse({ limitKind: 'subscribers', limit: this.options.maxSubscribers, retryAfterSeconds });
    if (this.channels.size >= this.options.maxChannels && !this.channels.has(key(electionId, commissionId)) && !this.evictIdleChannel()) {
      return this.refuse({ limitKind: 'channels', limit: this.options.maxChannels, retryAfterSeconds });
    }
    return undefined;
  }

  private refuse(refusal: LiveRefusal): LiveRefusal {
    this.refused++;
    return refusal;
  }

  /** Drops the channel nobody has watched for the longest; false when every channel has subscribers. */
  private evictIdleChannel(): boolean {
    let oldest: [string, Channel] | undefined;
    for (const entry of this.channels) {
      const idle = entry[1].idleSince;
      if (entry[1].clients.size === 0 && idle !== undefined && (oldest === undefined || idle < (oldest[1].idleSince as number))) oldest = entry;
    }
    if (!oldest) return false;
    this.cancel(oldest[1]);
    this.channels.delete(oldest[0]);
    return true;
  }

  /** Starts a stream for a client at `address`; the caller has checked that the election and the commission exist, and `admit`. */
  connect(electionId: string, commissionId: string, lastEventId: string | undefined, res: LiveStream, address: string): void {
    const view = this.projector.engine.view(electionId);
    if (!view) throw new Error(`live: unknown election ${electionId}`);
    const current = view.cursor.position ?? START_POSITION;
    const channel = this.channel(electionId, commissionId, current);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write('retry: 2000\n\n');

    const client: Client = { res, channel, lastId: channel.ringFrom, blockedSince: undefined, needsFull: false };
    const x = lastEventId?.trim();
    const from = x && POSITION.test(x) && (channel.releasedAt === undefined || comparePositions(x, channel.releasedAt) > 0) ? resumeIndex(channel, x) : -1;
    if (x && from >= 0) {
      client.lastId = x;
      for (let i = from; i < channel.ring.length; i++) this.send(client, channel.ring[i]);
    } else {
      this.send(client, this.snapshotFrame(channel));
    }
    channel.clients.add(client);
    this.subscribers++;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    channel.idleSince = undefined;
    res.on('close', () => {
      if (!channel.clients.delete(client)) return;
      this.subscribers--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
      if (channel.clients.size === 0) channel.idleSince = Date.now();
    });
  }

  private channel(electionId: string, commissionId: string, current: string): Channel {
    const k = key(electionId, commissionId);
    let channel = this.channels.get(k);
    if (!channel) {
      const view = this.projector.engine.view(electionId);
      const base = view && this.publicPayload(view, commissionId);
      if (!base) throw new Error(`live: unknown commission ${commissionId}`);
      channel = {
        base,
        electionId,
        commissionId,
        ring: [],
        ringBytes: 0,
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
      if (release) channel.releasedAt = position;
      // Same position as the clients may have: the snapshot replaces their state (with the results in, or the new status).
      this.replaceAll(channel, position, 'snapshot', this.publicPayload(view, channel.commissionId));
    }
    this.logger.log(`results of ${electionId} released: subscribers sent full snapshots`);
  }

  private onApplied(electionId: string, changes: readonly ChangedCommission[]): void {
    if (this.channels.size === 0) return;
    const windowMs = this.windowMs();
    for (const change of changes) {
      const channel = this.channels.get(key(electionId, change.commissionId));
      if (!channel) continue;
      channel.pending ??= new Set();
      for (const c of change.contestIds) channel.pending.add(c);
      if (channel.timer) continue;
      const wait = channel.lastFlushAt + windowMs - performance.now();
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
    const since = latestId(channel);
    if (comparePositions(position, since) <= 0) return;
    channel.lastFlushAt = performance.now();
    const changed = this.publicPayload(view, channel.commissionId, contests);
    if (!changed) return;
    const next = withChanges(channel.base, changed);
    const frame = frameOf(position, 'results', payloadDelta(since, channel.base, next));
    channel.base = next;
    channel.snapshot = undefined;
    channel.ring.push(frame);
    channel.ringBytes += frame.bytes.length;
    while (channel.ring.length > this.options.ringSize || (channel.ring.length > 1 && channel.ringBytes > this.options.ringBytes)) {
      const dropped = channel.ring.shift() as Frame;
      channel.ringBytes -= dropped.bytes.length;
      channel.ringFrom = dropped.id;
    }
    for (const client of channel.clients) if (comparePositions(frame.id, client.lastId) > 0) this.send(client, frame);
  }

  private onReset(electionId: string, position: string): void {
    for (const channel of this.channels.values()) {
      if (channel.electionId !== electionId) continue;
      const view = this.projector.engine.view(electionId);
      // The reset repeats the position the clients may already have: it replaces their state, it adds no change.
      this.replaceAll(channel, position, 'reset', view && this.publicPayload(view, channel.commissionId));
    }
  }

  /**
   * The ring starts again at `position` (nothing from before resumes), and a full frame, when the
   * commission has a public payload, goes to every subscriber, replacing what they hold.
   */
  private replaceAll(channel: Channel, position: string, event: 'snapshot' | 'reset', payload: CommissionPayload | undefined): void {
    this.cancel(channel);
    channel.ring.length = 0;
    channel.ringBytes = 0;
    channel.ringFrom = position;
    channel.snapshot = undefined;
    if (!payload) return;
    channel.base = payload;
    const frame = fullFrame(position, event, payload);
    if (event === 'snapshot') channel.snapshot = frame;
    for (const client of channel.clients) {
      // A blocked subscriber gets the full state when it drains, never the frames from before.
      if (client.blockedSince !== undefined) client.needsFull = true;
      else this.send(client, frame);
      client.lastId = frame.id;
    }
  }

  /**
   * The channel's base, whole, at its latest frame's id: the next delta follows it. At most a window
   * behind the view (changes not yet flushed come in that delta). Many subscribers arriving together
   * (a page shared on the evening news) share one build.
   */
  private snapshotFrame(channel: Channel): Frame {
    channel.snapshot ??= fullFrame(latestId(channel), 'snapshot', channel.base);
    return channel.snapshot;
  }

  /** Writes a frame unless the subscriber's socket is full; then it waits for 'drain' and catches up. */
  private send(client: Client, frame: Frame): void {
    const res = client.res;
    if (res.writableEnded || res.destroyed || client.blockedSince !== undefined) return;
    const more = res.write(frame.bytes);
    this.framesSent++;
    // Frames go out in order (a full one may repeat the id it replaces): the id is where the client is.
    client.lastId = frame.id;
    if (res.writableLength > this.options.maxBufferedBytes) {
      this.evict(client, `fell ${res.writableLength} bytes behind`);
      return;
    }
    if (!more) {
      client.blockedSince = Date.now();
      res.once('drain', () => this.catchUp(client));
    }
  }

  /**
   * A subscriber drained: the frames it missed from the ring, in order, while its socket takes
   * them; one snapshot instead when the ring no longer reaches back to it or a full frame passed.
   */
  private catchUp(client: Client): void {
    client.blockedSince = undefined;
    const channel = client.channel;
    if (client.res.destroyed || !channel.clients.has(client)) return;
    const from = client.needsFull ? -1 : resumeIndex(channel, client.lastId);
    if (from < 0) {
      client.needsFull = false;
      // As on connect: the snapshot is the channel's latest state, so the frames up to it are in it.
      this.send(client, this.snapshotFrame(channel));
      return;
    }
    for (let i = from; i < channel.ring.length; i++) {
      if (client.blockedSince !== undefined) return;
      this.send(client, channel.ring[i]);
    }
  }

  private evict(client: Client, why: string): void {
    this.evicted++;
    this.logger.warn(`a subscriber of ${client.channel.commissionId} ${why}: disconnected (it resumes with Last-Event-ID)`);
    client.res.destroy();
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
      for (const client of channel.clients) {
        if (client.blockedSince !== undefined) {
          if (now - client.blockedSince >= this.options.stallMs) this.evict(client, `has not read for ${now - client.blockedSince} ms`);
          continue;
        }
        if (!client.res.writableEnded) client.res.write(HEARTBEAT);
      }
    }
  }
}
