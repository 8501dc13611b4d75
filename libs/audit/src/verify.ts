// Verify: one walk of the whole store that checks, for every event,
//   - the hash chain (the event store's own verifier, reused as is);
//   - the commission's signature (@tally/signatures, the function intake uses), by the keys valid
//     when the submission was received (the definition's keys folded with its amendments; each
//     amendment is itself decided again, its signature by the root keys valid when received);
//   - the control relations of every recorded protocol and turnout report (validateProtocol);
//   - the decider's consistency: commands are not stored, but each precinct event names the
//     command it answered, so the command is rebuilt and the SAME decider re-run on the stream's
//     state so far; it must decide exactly the recorded event (versions increase, a correction
//     supersedes the current version, no protocol recorded twice, no submission id twice);
//     events recorded before scheme v2 (no version) are re-decided by the rules of then
//     (`beforeV2`), so they still verify;
//   - the history cannot roll back (`replay`): no signature value recorded as two facts of a
//     stream, and each fact's version the next one of its contest or turnout time (the domain's
//     currentVersion / versionStanding, as the decider judges them) — checked on every fact,
//     v1-era ones included, so a body forced into the store past the decider is found whatever
//     its era;
//   - every record kept with an election's rejections comes from someone entitled to send it:
//     a recorder's UNKNOWN_PRECINCT refusal is signed, dated and re-decided like a precinct's
//     event; intake's refusal at the door names a commission of the election; what intake
//     acknowledged and a recorder set aside names one and carries its signature (checkRejection);
// and at the end compares a full recomputation of the results views with what the projector
// published (digests at the positions it published them).
import {
  currentVersion,
  epochOf,
  precinctStateInEpoch,
  decodePrecinctEvent,
  decidePrecinct,
  evolvePrecinct,
  initialPrecinctState,
  validateProtocol,
  validateTurnoutReport,
  versionStanding,
  applyEvent,
  createResultsView,
  definitionKeyProblems,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_QUEUE_DELAY_MS,
  describeKeyOutsideValidity,
  misdating,
  type ElectionIndex,
  type PrecinctCommand,
  type PrecinctEvent,
  type PrecinctState,
  type ReceivedAtBound,
  type ResultsView,
  type SubmissionMeta,
} from '@tally/domain';
import { canonicallyEqual } from '@tally/encoding';
import { categories, categoryFilter, categoryPrefix, ChainCheck, comparePositions, matchesFilter, streams as storeStreams, type EventStore, type RecordedEvent } from '@tally/event-store';
import { availableParallelism } from 'node:os';
import {
  Ed25519VerifyPool,
  encodeSignedSubject,
  findSigner,
  publicKeyProblem,
  SIGNATURE_SCHEME_V2,
  signedSubjectOfEvent,
  signerCandidates,
  verifySubmissionSigner,
  type VerifyJob,
} from '@tally/signatures';
import { electionOfStream, isPrecinctStream, precinctOfStream, PROJECTED_CATEGORIES, toViewEvent, viewDigest } from '@tally/projection';
import { loadElections, scanPages, type LoadedElections, type ScanProgress } from './audit-scan';
import { LifecycleCheck } from './lifecycle-check';
import { counted } from './counted';
import { queueAppendedAt } from './queue-time';
import { decodeFailureReason, recordedAt } from './unreadable';
import { INTAKE_REFUSAL_TYPE, readIntakeRefusal, type IntakeRefusalRecord } from './intake-refusals';
import { readSetAside, SET_ASIDE_TYPE } from './set-asides';

export type CheckName = 'definitions' | 'hash-chain' | 'stream' | 'signature' | 'control-relation' | 'decider' | 'replay' | 'epoch' | 'recomputation';

export interface VerifyFailure {
  readonly check: CheckName;
  /**
   * Stable: e.g. content-mismatch, invalid-signature, revoked-key, not-yet-valid, misdated, BALLOTS_FOUND_MISMATCH,
   * decided-differently, signature-recorded-twice, version-backwards, version-skipped, digest-mismatch.
   */
  readonly code: string;
  readonly message: string;
  readonly streamName?: string;
  readonly revision?: string;
  readonly position?: string;
  readonly eventId?: string;
  readonly electionId?: string;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckSummary {
  readonly status: CheckStatus;
  /** Events (or elections, for the recomputation) checked. */
  readonly checked: number;
  readonly failed: number;
  readonly note?: string;
}

/** A digest the projector published for an election, at the store position it reflected. */
export interface PublishedDigest {
  readonly electionId: string;
  readonly position: string;
  readonly digest: string;
  /** Where it came from: the server's URL or the projection file. */
  readonly source: string;
}

export interface Recomputation {
  readonly electionId: string;
  readonly position: string;
  readonly source: string;
  readonly published: string;
  readonly recomputed: string;
  readonly match: boolean;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** The last event of the store read. */
  readonly through: string | null;
  readonly events: number;
  readonly streams: number;
  readonly elections: readonly string[];
  readonly checks: Readonly<Record<CheckName, CheckSummary>>;
  /** Per election: the recomputed digest of the whole store (also when nothing was published to compare). */
  readonly digests: Readonly<Record<string, string>>;
  readonly recomputations: readonly Recomputation[];
  /**
   * The first failure: a hash-chain break if there is one (the record itself is not intact),
   * else the earliest event-level failure in global order, else a recomputation mismatch.
   */
  readonly firstFailure: VerifyFailure | null;
  readonly failureCount: number;
  /** The first `maxFailures` failures, in the order above. */
  readonly failures: readonly VerifyFailure[];
}

export interface VerifyOptions {
  readonly published?: readonly PublishedDigest[];
  readonly onProgress?: (progress: ScanProgress & { readonly phase: 'hash-chain' | 'events' }) => void;
  readonly maxFailures?: number;
  readonly elections?: LoadedElections;
  /**
   * Worker threads checking the signatures (default: one per core); 0 checks them on this
   * thread. The report is the same either way.
   */
  readonly signatureWorkers?: number;
  /**
   * How far a signed fact's receivedAt may stand from when the queue took it (the recorder's
   * queue.appendedAt metadata): the deployment's TALLY_MAX_QUEUE_DELAY_S and TALLY_MAX_CLOCK_SKEW_S.
   * Default: the service's defaults (300 s, 60 s).
   */
  readonly receivedAtBound?: ReceivedAtBound;
}

/** Signed facts set against the queue's clock, and those recorded without it. */
interface Dating {
  readonly bound: ReceivedAtBound;
  dated: number;
  undated: number;
}

interface StreamCheck {
  state: PrecinctState;
  /** Turnout times whose current figure was recorded under v2 (it names its version); a v1-era report after one goes back to version 1. */
  readonly v2Times: Set<string>;
}

const at = (e: RecordedEvent, electionId?: string) => ({ ...recordedAt(e), ...(electionId === undefined ? {} : { electionId }) });

/** A record so malformed that a check cannot read it as its type: itself the finding. */
const malformed = (e: RecordedEvent, reason: string, where: ReturnType<typeof at>): VerifyFailure => ({
  check: 'stream',
  code: 'malformed-event',
  message: `${e.streamName}@${e.revision} (${e.type}) cannot be read as one: ${reason}`,
  ...where,
});

/** The signed version of a recorded fact: only under the v2 scheme (a v1-era ProtocolRecorded says version 1 but signed none). */
const signedVersion = (event: Exclude<PrecinctEvent, { type: 'SubmissionRefused' }>): { version?: number } => {
  const version = event.type === 'TurnoutReported' ? event.data.version : event.data.signature?.scheme === SIGNATURE_SCHEME_V2 ? event.data.version : undefined;
  return version === undefined ? {} : { version };
};

/** A refusal's payload as the decider kept it: a v2 one carries the version, a v2 protocol's is { protocol, version }. */
function refusedPayload(event: Extract<PrecinctEvent, { type: 'SubmissionRefused' }>): { payload: Record<string, unknown>; protocol: unknown; version?: number } {
  const payload = (event.data.payload ?? {}) as Record<string, unknown>;
  const version = typeof payload.version === 'number' ? payload.version : undefined;
  const v2Protocol = event.data.kind === 'protocol' && version !== undefined && 'protocol' in payload;
  return { payload, protocol: event.data.kind === 'protocol' && !v2Protocol ? event.data.payload : payload.protocol, ...(version === undefined ? {} : { version }) };
}

/** The command a recorded precinct event answered, rebuilt from the event's own data. */
export function commandOf(event: PrecinctEvent): PrecinctCommand {
  const d = event.data;
  const meta: SubmissionMeta = {
    submissionId: d.submissionId,
    electionId: d.electionId,
    precinctId: d.precinctId,
    submittedBy: d.submittedBy,
    receivedAt: d.receivedAt,
    signature: d.signature,
    // The epoch is the recorder's stamp, not the commission's: decided again in the same epoch.
    ...(d.test === true ? { test: true as const } : {}),
  };
  switch (event.type) {
    case 'ProtocolRecorded':
      return { type: 'SubmitProtocol', meta, protocol: event.data.protocol, ...signedVersion(event) };
    case 'ProtocolCorrected':
      return { type: 'CorrectProtocol', meta, protocol: event.data.protocol, reason: event.data.reason, supersedes: event.data.supersedes, ...signedVersion(event) };
    case 'TurnoutReported':
      return { type: 'ReportTurnout', meta, time: event.data.time, ballotsIssued: event.data.ballotsIssued, ...signedVersion(event) };
    case 'SubmissionRefused': {
      const { payload, protocol, ...version } = refusedPayload(event);
      switch (event.data.kind) {
        case 'protocol':
          return { type: 'SubmitProtocol', meta, protocol: protocol as never, ...version };
        case 'correction':
          return {
            type: 'CorrectProtocol',
            meta,
            protocol: protocol as never,
            reason: payload.reason as string,
            ...(payload.supersedes === undefined ? {} : { supersedes: payload.supersedes as string }),
            ...version,
          };
        case 'turnout':
          return { type: 'ReportTurnout', meta, time: payload.time as string, ballotsIssued: payload.ballotsIssued as number, ...version };
        default: {
          const never: never = event.data.kind;
          throw new Error(`unknown refusal kind ${String(never)}`);
        }
      }
    }
    default: {
      const never: never = event;
      throw new Error(`unknown precinct event ${JSON.stringify(never)}`);
    }
  }
}

/** What the decider's output must equal: recorded facts byte for byte (canonically); refusals by their reason codes and fields. */
function decisionKey(event: PrecinctEvent): unknown {
  if (event.type === 'SubmissionRefused') {
    const { reasons, ...rest } = event.data;
    return { type: event.type, data: rest, reasons: reasons.map((r) => `${r.code}@${r.field}`) };
  }
  return { type: event.type, data: event.data };
}

export async function verifyAudit(store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const maxFailures = options.maxFailures ?? 100;
  const chainFailures: VerifyFailure[] = [];
  const eventFailures: VerifyFailure[] = [];
  const recomputationFailures: VerifyFailure[] = [];
  /** Raw messages recorders kept before issue 11 (UnparseableSubmission), and attempts set aside (acknowledged, not recorded): told in the stream note. */
  const noted = { unparsed: 0, setAside: 0 };
  const dating: Dating = { bound: options.receivedAtBound ?? { maxQueueDelayMs: DEFAULT_MAX_QUEUE_DELAY_MS, maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS }, dated: 0, undated: 0 };
  const counts: Record<CheckName, { checked: number; failed: number }> = {
    definitions: { checked: 0, failed: 0 },
    'hash-chain': { checked: 0, failed: 0 },
    stream: { checked: 0, failed: 0 },
    signature: { checked: 0, failed: 0 },
    'control-relation': { checked: 0, failed: 0 },
    decider: { checked: 0, failed: 0 },
    replay: { checked: 0, failed: 0 },
    epoch: { checked: 0, failed: 0 },
    recomputation: { checked: 0, failed: 0 },
  };
  let failureCount = 0;
  const fail = (list: VerifyFailure[], f: VerifyFailure) => {
    failureCount++;
    counts[f.check].failed++;
    if (list.length < maxFailures) list.push(f);
  };

  // 1. The hash chains, by the event store's own check, fed by the walk below (one read of the store).
  const chainCheck = new ChainCheck();

  // 2. Definitions.
  const loaded = options.elections ?? (await loadElections(store));
  counts.definitions.checked = loaded.elections.size + loaded.troubles.length;
  for (const t of loaded.troubles) {
    fail(eventFailures, {
      check: 'definitions',
      code: 'definition-does-not-parse',
      message: `the definition recorded in ${t.streamName} does not parse: ${t.problems.slice(0, 3).map((p) => p.message).join('; ')}`,
      streamName: t.streamName,
      position: t.position,
    });
  }
  // Key amendments: each a signature and a decision of its own.
  counts.signature.checked += loaded.amendmentsChecked;
  counts.decider.checked += loaded.amendmentsChecked;
  for (const { check, code, message, streamName, position, eventId } of loaded.amendmentTroubles) fail(eventFailures, { check, code, message, streamName, position, eventId });

  // 3. One walk in global order: per-event checks and the recomputation side by side.
  const views = new Map<string, ResultsView>();
  for (const [id, d] of loaded.elections) views.set(id, createResultsView(d.index));
  const captures = [...(options.published ?? [])].sort((a, b) => comparePositions(a.position, b.position));
  const captured: { published: PublishedDigest; recomputed: string }[] = [];
  let nextCapture = 0;
  const captureUpTo = (position: string | null) => {
    // Everything up to a published position is folded in before its digest is taken.
    while (nextCapture < captures.length && (position === null || comparePositions(captures[nextCapture].position, position) < 0)) {
      const p = captures[nextCapture++];
      const view = views.get(p.electionId);
      captured.push({ published: p, recomputed: view ? viewDigest(view) : '(election not defined in the store)' });
    }
  };
  const streams = new Map<string, StreamCheck>();
  // Each election's lots and acts in the store's order: acts are decided again, certifications handed to the precinct checks.
  const lifecycles = new Map<string, LifecycleCheck>();
  const lifecycleOf = (electionId: string): LifecycleCheck | undefined => {
    const defined = loaded.elections.get(electionId);
    if (!defined) return undefined;
    let check = lifecycles.get(electionId);
    if (!check) lifecycles.set(electionId, (check = new LifecycleCheck(defined.index, (name) => streams.get(name)?.state)));
    return check;
  };
  let events = 0;
  let through: string | null = null;
  const workers = options.signatureWorkers ?? defaultSignatureWorkers();
  const pool = workers > 0 ? new Ed25519VerifyPool(workers) : undefined;
  try {
    // Every definition's keys, judged on the workers while this thread walks (one key costs about
    // two signature checks: a national definition's would hold this thread up for seconds). All
    // posted at once, so the first page's checks wait behind them once: posted a chunk at a time,
    // every page's checks waited behind one, and verify read 8,443 and 8,947 events/s at 100k
    // precincts against 11,662 and 10,114 (taken in turn, 2026-12-04).
    const keyTroubles = unusableDefinitionKeys(loaded, pool);
    // Every category, for the chain; the other checks take the projected ones.
    const pages = scanPages(store, { onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, phase: 'events' })) });
    // One page ahead: while the workers check a page's signatures, this thread reads and prepares
    // the next one, then checks the first in order with the workers' answers.
    let current = await pages.next();
    let prepared = current.done ? undefined : preparePage(current.value, loaded, pool);
    while (!current.done) {
      const page = current.value;
      const next = await pages.next();
      const nextPrepared = next.done ? undefined : preparePage(next.value, loaded, pool);
      const ready = await prepared!;
      page.forEach((e, i) => walk(e, ready[i]));
      current = next;
      prepared = nextPrepared;
    }
    for (const f of [...duplicateDefinitionKeys(loaded), ...(await keyTroubles)]) fail(eventFailures, f);
  } finally {
    await pool?.close();
  }
  function walk(e: RecordedEvent, prepared: PreparedEvent | undefined): void {
    chainCheck.visit(e);
    if (matchesFilter(e.streamName, REJECTIONS)) return checkRejection(e, loaded, (f) => fail(eventFailures, f), counts, dating, noted);
    if (!matchesFilter(e.streamName, PROJECTED_CATEGORIES)) return;
    captureUpTo(e.position);
    events++;
    through = e.position;
    const electionId = electionOfStream(e.streamName);
    if (electionId === undefined) return;
    if (!isPrecinctStream(e.streamName)) {
      // The election's own stream: its lots are folded in as the projector folds them.
      const viewEvent = toViewEvent(e);
      const lotView = views.get(electionId);
      if (viewEvent !== undefined && lotView !== undefined) applyEvent(lotView, viewEvent);
      const lifecycle = LifecycleCheck.handles(e) ? lifecycleOf(electionId) : undefined;
      if (lifecycle) {
        if (e.type !== 'LotDrawn') counts.decider.checked++;
        const finding = lifecycle.apply(e);
        if (finding) fail(eventFailures, { ...finding, ...at(e, electionId) });
      }
      return;
    }
    const defined = loaded.elections.get(electionId);
    counts.stream.checked++;
    if (!defined) {
      fail(eventFailures, { check: 'stream', code: 'undefined-election', message: `${e.streamName}: the store defines no election ${electionId}`, ...at(e, electionId) });
      return;
    }
    const view = views.get(electionId)!;
    const viewEvent = toViewEvent(e);
    if (viewEvent !== undefined) applyEvent(view, viewEvent);
    try {
      const lifecycle = lifecycleOf(electionId);
      checkPrecinctEvent(e, electionId, defined.index, streams, (f) => fail(eventFailures, f), counts, lifecycle?.certifiedBodies(), lifecycle?.isLive() ?? true, prepared, dating);
    } catch (error) {
      // A recorded event so malformed that a check cannot even read it is itself the finding.
      fail(eventFailures, malformed(e, error instanceof Error ? error.message : String(error), at(e, electionId)));
    }
  }
  captureUpTo(null);
  const chain = chainCheck.result();
  counts['hash-chain'].checked = chain.events;
  if (!chain.ok) {
    const b = chain.firstBreak;
    fail(chainFailures, {
      check: 'hash-chain',
      code: b.kind,
      message: `${b.kind} at ${b.streamName}@${b.revision}: expected ${b.expected}, found ${b.actual}`,
      streamName: b.streamName,
      revision: b.revision.toString(),
      position: b.position,
      eventId: b.eventId,
    });
  }

  // 4. The recomputation against what was published.
  const recomputations: Recomputation[] = captured.map(({ published, recomputed }) => ({
    electionId: published.electionId,
    position: published.position,
    source: published.source,
    published: published.digest,
    recomputed,
    match: published.digest === recomputed,
  }));
  counts.recomputation.checked = recomputations.length;
  for (const r of recomputations) {
    if (r.match) continue;
    const beyond = through === null || comparePositions(r.position, through) > 0;
    fail(recomputationFailures, {
      check: 'recomputation',
      code: beyond ? 'published-beyond-store' : 'digest-mismatch',
      message: beyond
        ? `${r.source} published ${r.electionId} at ${r.position}, past the store's last event ${through ?? '(none)'}: events are missing`
        : `${r.source} published ${r.electionId} at ${r.position} as ${r.published}; the recomputation gives ${r.recomputed}`,
      electionId: r.electionId,
      position: r.position,
    });
  }

  const digests: Record<string, string> = {};
  for (const [id, view] of [...views].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) digests[id] = viewDigest(view);
  eventFailures.sort((a, b) => (a.position && b.position ? comparePositions(a.position, b.position) : 0));
  const failures = [...chainFailures, ...eventFailures, ...recomputationFailures].slice(0, maxFailures);
  const status = (name: CheckName, note?: string): CheckSummary => ({
    status: counts[name].failed > 0 ? 'failed' : counts[name].checked === 0 && note ? 'skipped' : 'passed',
    checked: counts[name].checked,
    failed: counts[name].failed,
    ...(note ? { note } : {}),
  });
  return {
    ok: failureCount === 0,
    through,
    events,
    streams: chain.streams,
    elections: [...loaded.elections.keys()].sort(),
    checks: {
      definitions: status('definitions'),
      'hash-chain': status('hash-chain'),
      stream: status('stream', streamNote(noted)),
      signature: status('signature', datingNote(dating)),
      'control-relation': status('control-relation'),
      decider: status('decider'),
      replay: status('replay'),
      epoch: status('epoch', 'no election with a test mode'),
      recomputation: status('recomputation', captures.length === 0 ? 'nothing published to compare with (give --server, or run where the projector writes its files)' : undefined),
    },
    digests,
    recomputations,
    firstFailure: failures[0] ?? null,
    failureCount,
    failures,
  };
}

function datingNote({ dated, undated, bound }: Dating): string | undefined {
  if (dated + undated === 0) return undefined;
  const within = `the bound: receivedAt at most ${bound.maxQueueDelayMs / 1000} s + ${bound.maxClockSkewMs / 1000} s before the queue took it`;
  if (undated === 0) return `${counted(dated, 'submission')} dated by the queue's clock (${within})`;
  return `${dated} of ${counted(dated + undated, 'submission')} dated by the queue's clock (${within}); ${undated} recorded without it (from a Kafka topic on CreateTime, or before recorders kept it), taken at their receivedAt`;
}

/** What a page's walk gets ready ahead for a precinct event: its decoding, and the workers' answers on its signature. */
interface PreparedEvent {
  readonly decoded: ReturnType<typeof decodePrecinctEvent>;
  readonly verdicts?: ReadonlyMap<string, boolean>;
}

/**
 * Worker threads for the signatures: one per core. Not one fewer: the checks are the larger part
 * of the work (profiled on two cores with one worker, this thread waited for it a fifth of the
 * time); with one per core the threads share every core.
 */
const defaultSignatureWorkers = (): number => Math.max(1, availableParallelism());

/**
 * A recorded definition's keys no signature could be verified under (the decider refuses such a
 * definition now: UNUSABLE_KEY): definition-unusable-key, each where it is. On the workers when
 * there are any; inline when not, or when one died.
 */
async function unusableDefinitionKeys(loaded: LoadedElections, pool: Ed25519VerifyPool | undefined): Promise<VerifyFailure[]> {
  const keys = [...loaded.elections.values()].flatMap(({ index, position }) =>
    index.definition.commissions.flatMap((c, i) => c.keys.map((key, j) => ({ electionId: index.definition.id, position, where: `commissions[${i}].keys[${j}]`, commissionId: c.id, key }))),
  );
  const usable = pool ? await pool.usableKeys(keys.map((k) => k.key.publicKey)).catch(() => undefined) : undefined;
  return keys.flatMap((k, n) => {
    const problem = usable?.[n] === true ? undefined : publicKeyProblem(k.key.publicKey);
    if (problem === undefined) return [];
    return [
      {
        check: 'definitions' as const,
        code: 'definition-unusable-key',
        message: `the definition of ${k.electionId} names, at ${k.where} (${k.commissionId}, key ${k.key.keyId}), a key ${problem}`,
        streamName: storeStreams.election(k.electionId),
        position: k.position,
        electionId: k.electionId,
      },
    ];
  });
}

/**
 * A recorded definition in which two commissions share a public key, or one lists a key id twice
 * (the decider refuses such a definition now: DUPLICATE_KEY): definition-duplicate-key, each where
 * it is. A shared key signs for both commissions; the count takes the one listed first.
 */
function duplicateDefinitionKeys(loaded: LoadedElections): VerifyFailure[] {
  return [...loaded.elections.values()].flatMap(({ index, position }) =>
    definitionKeyProblems(index.definition).map((p) => ({
      check: 'definitions' as const,
      code: 'definition-duplicate-key',
      message: `the definition of ${index.definition.id}, at ${p.path}: ${p.message}`,
      streamName: storeStreams.election(index.definition.id),
      position,
      electionId: index.definition.id,
    })),
  );
}

/**
 * Decodes a page's precinct events and hands the signature checks they will need to the pool: the
 * subject's bytes under each key `findSigner` may try. Never rejects: whatever is not answered
 * here (no pool, a worker gone, an event that does not decode) is checked inline, as without workers.
 */
async function preparePage(page: readonly RecordedEvent[], loaded: LoadedElections, pool: Ed25519VerifyPool | undefined): Promise<(PreparedEvent | undefined)[]> {
  const prepared: (PreparedEvent | undefined)[] = new Array<PreparedEvent | undefined>(page.length);
  const jobs: VerifyJob[] = [];
  const owners: { verdicts: Map<string, boolean>; publicKey: string }[] = [];
  page.forEach((e, i) => {
    const electionId = electionOfStream(e.streamName);
    const defined = electionId === undefined || !isPrecinctStream(e.streamName) ? undefined : loaded.elections.get(electionId);
    if (!defined) return;
    try {
      const decoded = decodePrecinctEvent(e);
      const signature = decoded.ok ? decoded.value.data.signature : null;
      const subject = decoded.ok && signature && pool ? signedSubjectOfEvent(decoded.value) : undefined;
      if (!decoded.ok || !signature || !subject) {
        prepared[i] = { decoded };
        return;
      }
      const verdicts = new Map<string, boolean>();
      const message = encodeSignedSubject(subject);
      const asked = new Set<string>();
      for (const key of signerCandidates(defined.index.keys, signature.keyId, decoded.value.data.submittedBy)) {
        if (key.keyId !== signature.keyId || asked.has(key.publicKey)) continue;
        asked.add(key.publicKey);
        jobs.push({ publicKey: key.publicKey, message, signature: signature.value });
        owners.push({ verdicts, publicKey: key.publicKey });
      }
      prepared[i] = { decoded, verdicts };
    } catch {
      // Checked again inline, where the same exception becomes the finding.
      prepared[i] = undefined;
    }
  });
  if (pool && jobs.length > 0) {
    try {
      const answers = await pool.verify(jobs);
      answers.forEach((answer, j) => answer !== undefined && owners[j].verdicts.set(owners[j].publicKey, answer));
    } catch {
      // A worker gone: the signatures of this page are verified inline.
    }
  }
  return prepared;
}

function checkPrecinctEvent(
  e: RecordedEvent,
  electionId: string,
  election: ElectionIndex,
  streams: Map<string, StreamCheck>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
  certifiedBodies: ReadonlySet<string> | undefined,
  live: boolean,
  prepared: PreparedEvent | undefined,
  dating: Dating,
): void {
  const where = at(e, electionId);
  // The domain's codec decides what a stored record is; one that it refuses is the finding.
  const decoded = prepared?.decoded ?? decodePrecinctEvent(e);
  if (!decoded.ok) {
    const f = decoded.error;
    fail(
      f.kind === 'unknown-type'
        ? { check: 'stream', code: 'unknown-event-type', message: `${e.streamName}@${e.revision}: ${decodeFailureReason(f)}`, ...where }
        : malformed(e, decodeFailureReason(f), where),
    );
    return;
  }
  const event = decoded.value;
  const precinctId = precinctOfStream(e.streamName);
  if (event.data.electionId !== electionId || event.data.precinctId !== precinctId) {
    fail({
      check: 'stream',
      code: 'misfiled-event',
      message: `${e.streamName}@${e.revision} is about election ${event.data.electionId}, precinct ${event.data.precinctId}`,
      ...where,
    });
    return;
  }
  // The epoch: a test fact only in an election with a test mode; no live fact before its switch to live.
  if (election.definition.mode === 'test' || event.data.test === true) {
    counts.epoch.checked++;
    if (event.data.test === true && election.definition.mode !== 'test') {
      fail({ check: 'epoch', code: 'test-fact-in-live-election', message: `${e.streamName}@${e.revision} (${e.type}) is marked test, in an election defined live`, ...where });
    } else if (event.data.test !== true && !live) {
      fail({ check: 'epoch', code: 'live-fact-before-switch', message: `${e.streamName}@${e.revision} (${e.type}) is a live fact recorded before the election switched to live`, ...where });
    }
  }
  let stream = streams.get(e.streamName);
  if (!stream) {
    stream = { state: initialPrecinctState(), v2Times: new Set() };
    streams.set(e.streamName, stream);
  }
  // Judged against the history before this event; reported after the decider's verdict on it.
  const rolledBack = replayFindings(e, event, stream, where, counts);

  checkSigned(e, event, election, where, fail, counts, prepared?.verdicts, dating);

  // Control relations of what was recorded.
  const precinct = election.precinct(precinctId ?? "");
  if (precinct && (event.type === 'ProtocolRecorded' || event.type === 'ProtocolCorrected')) {
    counts['control-relation'].checked++;
    const contest = election.contest(event.data.contestId);
    const valid = contest ? validateProtocol(event.data.protocol, contest, precinct) : undefined;
    if (!contest || !valid?.ok) {
      const reasons = valid && !valid.ok ? valid.error : [];
      fail({
        check: 'control-relation',
        code: contest ? (reasons[0]?.code ?? 'INVALID') : 'UNKNOWN_CONTEST',
        message: contest
          ? `${e.streamName}@${e.revision}: ${reasons.map((r) => `${r.code} (${r.field}: ${r.message})`).join('; ')}`
          : `${e.streamName}@${e.revision}: no contest ${event.data.contestId}`,
        ...where,
      });
    }
  } else if (precinct && event.type === 'TurnoutReported') {
    counts['control-relation'].checked++;
    const valid = validateTurnoutReport({ time: event.data.time, ballotsIssued: event.data.ballotsIssued }, precinct, election.turnoutTimes);
    if (!valid.ok) {
      fail({ check: 'control-relation', code: valid.error[0].code, message: `${e.streamName}@${e.revision}: ${valid.error.map((r) => `${r.code} (${r.message})`).join('; ')}`, ...where });
    }
  }

  checkDecided(e, event, stream.state, election, certifiedBodies, where, fail, counts);
  for (const f of rolledBack) fail(f);
  // Go on from what was recorded, so one bad event does not hide the ones after it.
  try {
    stream.state = evolvePrecinct(stream.state, event);
  } catch {
    // An event evolve cannot take was reported above.
  }
  if (event.type === 'TurnoutReported') {
    if (event.data.version === undefined) stream.v2Times.delete(event.data.time);
    else stream.v2Times.add(event.data.time);
  }
}

const REJECTIONS = categoryFilter(categories.intakeRejections);
const REJECTIONS_PREFIX = categoryPrefix(categories.intakeRejections);

/**
 * A record kept with an election's rejections (`intake-rejections-<election>`): nothing there may
 * come from someone not entitled to send it. A recorder's refusal of a submission for a precinct
 * the election does not have (UNKNOWN_PRECINCT) is signed, decided and dated like a precinct's
 * event, and checked alike; intake's refusal at the door keeps no body or signature, so what can
 * be checked is that it reads as one and names a commission of the election (intake records only
 * requests a commission's key signed). Raw messages recorders kept before issue 11 are counted in
 * a note, not failed: the store holds them from before the rule.
 */
function checkRejection(
  e: RecordedEvent,
  loaded: LoadedElections,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
  dating: Dating,
  noted: { unparsed: number; setAside: number },
): void {
  counts.stream.checked++;
  if (e.type === 'UnparseableSubmission') {
    noted.unparsed++;
    return;
  }
  const electionId = e.streamName.slice(REJECTIONS_PREFIX.length);
  const where = at(e, electionId);
  const election = loaded.elections.get(electionId)?.index;
  if (!election) {
    fail({ check: 'stream', code: 'undefined-election', message: `${e.streamName}: the store defines no election ${electionId}`, ...where });
    return;
  }
  if (e.type === INTAKE_REFUSAL_TYPE) {
    const read = readIntakeRefusal(e);
    if (!read.ok) fail(malformed(e, read.reason, where));
    else if (read.value.submittedBy !== undefined && !election.commission(read.value.submittedBy)) {
      fail({
        check: 'stream',
        code: 'unknown-submitter',
        message: `${e.streamName}@${e.revision}: a refusal at intake of a request signed by ${read.value.submittedBy}, no commission of ${electionId} (intake records only what a commission's key signed)`,
        ...where,
      });
    } else checkRefusedAtIntakeSignature(e, read.value, electionId, election, where, fail, counts);
    return;
  }
  if (e.type === SET_ASIDE_TYPE) {
    noted.setAside++;
    checkSetAside(e, electionId, election, where, fail, counts);
    return;
  }
  if (e.type !== 'SubmissionRefused') {
    fail({ check: 'stream', code: 'unknown-event-type', message: `${e.streamName}@${e.revision}: an election's rejections hold no ${e.type} events`, ...where });
    return;
  }
  const decoded = decodePrecinctEvent(e);
  if (!decoded.ok) {
    fail(malformed(e, decodeFailureReason(decoded.error), where));
    return;
  }
  const event = decoded.value;
  // Only a precinct the election lacks is refused here; any other has a stream of its own.
  if (event.data.electionId !== electionId || election.precinct(event.data.precinctId) !== undefined) {
    fail({
      check: 'stream',
      code: 'misfiled-event',
      message: `${e.streamName}@${e.revision} refuses a submission for election ${event.data.electionId}, precinct ${event.data.precinctId}: its place is that precinct's stream`,
      ...where,
    });
    return;
  }
  try {
    checkSigned(e, event, election, where, fail, counts, undefined, dating);
    checkDecided(e, event, initialPrecinctState(), election, undefined, where, fail, counts);
  } catch (error) {
    fail(malformed(e, error instanceof Error ? error.message : String(error), where));
  }
}

/** What the stream check saw that is not a failure and an auditor should know of, or undefined. */
function streamNote(seen: { unparsed: number; setAside: number }): string | undefined {
  const notes = [
    ...(seen.setAside === 0 ? [] : [`${counted(seen.setAside, 'submission')} set aside by recorders after intake acknowledged them (not recorded; tally audit explain lists each with its reason)`]),
    ...(seen.unparsed === 0 ? [] : [`${counted(seen.unparsed, 'message')} kept unparsed by recorders before issue 11 (raw queue bytes, signed by no one; recorders dead-letter such messages now)`]),
  ];
  return notes.length === 0 ? undefined : notes.join('; ');
}

/** Where a key's validity is what the recorder judged differently from intake, the letter's own reason. */
const KEY_VALIDITY: ReadonlySet<string> = new Set(['revoked-key', 'not-yet-valid']);

/**
 * A submission intake acknowledged and a recorder set aside: intake writes one only for an attempt
 * it queued, so it names a commission and a precinct of the election, and the command it keeps
 * carries that commission's signature. Its key is judged as at the receipt, except for a letter
 * that says UNVERIFIED: there the recorder judged the key's validity otherwise than intake did (an
 * amendment one of them knew first), which is the very thing recorded; the signature must still
 * be the commission's. Not dated against the queue (a MISDATED one is misdated by definition),
 * nor decided: nothing of it was recorded.
 */
function checkSetAside(
  e: RecordedEvent,
  electionId: string,
  election: ElectionIndex,
  where: ReturnType<typeof at>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
): void {
  const read = readSetAside(e);
  if (!read.ok) {
    fail(malformed(e, read.reason, where));
    return;
  }
  const record = read.value;
  if (!election.commission(record.submittedBy) || !election.precinct(record.precinctId) || (record.command !== undefined && record.command.meta.electionId !== electionId)) {
    fail({
      check: 'stream',
      code: 'unknown-submitter',
      message: `${e.streamName}@${e.revision}: a submission set aside for ${record.command?.meta.electionId ?? electionId}, precinct ${record.precinctId}, signed by ${record.submittedBy}: not a commission and a precinct of ${electionId} (intake sets aside only what it acknowledged)`,
      ...where,
    });
    return;
  }
  if (record.command === undefined) return; // UNSTORABLE: the letter keeps the bytes, the store could not
  counts.signature.checked++;
  let verdict: ReturnType<typeof verifySubmissionSigner>;
  try {
    verdict = verifySubmissionSigner(election, record.command);
  } catch (error) {
    fail(malformed(e, `its command has no signed form: ${error instanceof Error ? error.message : String(error)}`, where));
    return;
  }
  if (verdict.ok && verdict.commission.id !== record.submittedBy) {
    fail({ check: 'signature', code: 'not-the-submitter', message: `${e.streamName}@${e.revision} (${e.type}): signed by ${verdict.commission.id}, not ${record.submittedBy}`, ...where });
  } else if (!verdict.ok && !(record.code === 'UNVERIFIED' && KEY_VALIDITY.has(verdict.problem))) {
    fail({ check: 'signature', code: verdict.problem, message: `${e.streamName}@${e.revision} (${e.type}): ${verdict.message}`, ...where });
  }
}

/** Why a signature is not its submitter's, by a key valid at the receipt, as a finding. */
function signerFailure(
  e: RecordedEvent,
  signer: Extract<ReturnType<typeof findSigner>, { ok: false }>,
  submittedBy: string,
  receivedAt: string,
  where: ReturnType<typeof at>,
): VerifyFailure {
  let why: string;
  switch (signer.problem) {
    case 'unknown-key':
      why = `${submittedBy} has no key ${signer.keyId}`;
      break;
    case 'invalid-signature':
      why = `the signature does not verify under ${submittedBy}'s key ${signer.keyId}`;
      break;
    default:
      why = `signed by a key not valid then: ${describeKeyOutsideValidity(signer.key, signer.problem, receivedAt).message}`;
  }
  return { check: 'signature', code: signer.problem, message: `${e.streamName}@${e.revision} (${e.type}): ${why}`, ...where };
}

/**
 * What intake kept of a signed request it refused: the subject must be of this election,
 * precinct and kind, and its signature its commission's, by a key valid at the receipt.
 */
function checkRefusedAtIntakeSignature(
  e: RecordedEvent,
  refusal: IntakeRefusalRecord,
  electionId: string,
  election: ElectionIndex,
  where: ReturnType<typeof at>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
): void {
  const { signed, submittedBy } = refusal;
  if (signed === undefined || submittedBy === undefined) return;
  counts.signature.checked++;
  const { subject, signature } = signed;
  if (subject.electionId !== electionId || subject.precinctId !== refusal.precinctId || subject.kind !== refusal.kind) {
    fail(malformed(e, `what it keeps as signed is a ${subject.kind} for ${subject.electionId}, precinct ${subject.precinctId}, not the refused ${refusal.kind} for ${electionId}, precinct ${refusal.precinctId}`, where));
    return;
  }
  let signer: ReturnType<typeof findSigner>;
  try {
    signer = findSigner(election.keys, subject, signature, submittedBy, { at: refusal.receivedAt });
  } catch (error) {
    fail(malformed(e, `what it keeps as signed has no signed form: ${error instanceof Error ? error.message : String(error)}`, where));
    return;
  }
  if (!signer.ok) fail(signerFailure(e, signer, submittedBy, refusal.receivedAt, where));
}

/**
 * Signature: every fact a commission caused carries its commission's signature (a refusal, when
 * it carries one), by the submitter's keys valid when it was received; and that receipt time set
 * against the queue's clock the recorder kept beside it.
 */
function checkSigned(
  e: RecordedEvent,
  event: PrecinctEvent,
  election: ElectionIndex,
  where: ReturnType<typeof at>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
  verdicts: ReadonlyMap<string, boolean> | undefined,
  dating: Dating,
): void {
  const signature = event.data.signature;
  const subject = signedSubjectOfEvent(event);
  if (event.type === 'SubmissionRefused' && !(signature && subject)) return;
  counts.signature.checked++;
  if (!signature) {
    fail({ check: 'signature', code: 'unsigned', message: `${e.streamName}@${e.revision} (${e.type}) carries no signature of ${event.data.submittedBy}`, ...where });
    return;
  }
  if (!subject) {
    fail({ check: 'signature', code: 'nothing-signed', message: `${e.streamName}@${e.revision}: no signed subject can be rebuilt from the event`, ...where });
    return;
  }
  // Only the submitter's keys (scanning every commission per event would be quadratic at
  // national scale), as they were when the submission was received.
  const signer = findSigner(election.keys, subject, signature, event.data.submittedBy, { at: event.data.receivedAt, verdicts });
  if (!signer.ok) fail(signerFailure(e, signer, event.data.submittedBy, event.data.receivedAt, where));
  // The instant the key was judged at, against the queue's clock the recorder kept beside it.
  const appendedAt = queueAppendedAt(e);
  if (appendedAt === undefined) dating.undated++;
  else {
    dating.dated++;
    const misdated = misdating(event.data.receivedAt, appendedAt, dating.bound);
    if (misdated !== undefined) fail({ check: 'signature', code: 'misdated', message: `${e.streamName}@${e.revision} (${e.type}): ${misdated}`, ...where });
  }
}

/**
 * The decider, re-run on the rebuilt command and the stream's state before the event: it must
 * decide exactly what was recorded. An event recorded before v2 is re-decided by the rules of
 * then; a refusal that asked for the version was decided under v2.
 */
function checkDecided(
  e: RecordedEvent,
  event: PrecinctEvent,
  state: PrecinctState,
  election: ElectionIndex,
  certifiedBodies: ReadonlySet<string> | undefined,
  where: ReturnType<typeof at>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
): void {
  counts.decider.checked++;
  const beforeV2 = !(event.type === 'SubmissionRefused' && event.data.reasons.some((r) => r.code === 'VERSION_REQUIRED'));
  let decided: PrecinctEvent[] | undefined;
  try {
    decided = decidePrecinct(commandOf(event), state, { election, beforeV2, certifiedBodies });
  } catch (error) {
    fail({ check: 'decider', code: 'undecidable', message: `${e.streamName}@${e.revision}: ${error instanceof Error ? error.message : String(error)}`, ...where });
  }
  if (decided !== undefined && (decided.length !== 1 || !canonicallyEqual(decisionKey(decided[0]), decisionKey(event)))) {
    fail({ check: 'decider', code: deciderCode(event, decided), message: `${e.streamName}@${e.revision}: ${describeDecision(event, decided)}`, ...where });
  }
}

/**
 * What lets a fact roll the history back: its signature value already a recorded fact's of the
 * stream (a body applied twice), or its version not the next one of its contest or turnout time.
 * A v1-era turnout report (no version, read as 1) replaced its time's figure by the rules of
 * then; after a v2 report of that time it goes back to version 1.
 */
function replayFindings(
  e: RecordedEvent,
  event: PrecinctEvent,
  stream: StreamCheck,
  where: ReturnType<typeof at>,
  counts: Record<CheckName, { checked: number; failed: number }>,
): VerifyFailure[] {
  if (event.type === 'SubmissionRefused') return [];
  counts.replay.checked++;
  const found: VerifyFailure[] = [];
  const { signature, submissionId } = event.data;
  const original = signature === null ? undefined : stream.state.signatures.get(signature.value);
  if (original !== undefined) {
    found.push({
      check: 'replay',
      code: 'signature-recorded-twice',
      message: `${e.streamName}@${e.revision} (${event.type}, submission ${submissionId}) carries the signature already recorded as submission ${original.submissionId} (version ${original.version})`,
      ...where,
    });
  }
  const subject = event.type === 'TurnoutReported' ? { time: event.data.time } : { contestId: event.data.contestId };
  const v1Report = event.type === 'TurnoutReported' && event.data.version === undefined;
  if (v1Report && !stream.v2Times.has(event.data.time)) return found;
  const version = event.type === 'TurnoutReported' ? (event.data.version ?? 1) : event.data.version;
  // Versions count within the event's epoch (test facts are not the live count's).
  const current = currentVersion(precinctStateInEpoch(stream.state, epochOf(event.data)), subject);
  const standing = versionStanding(version, current);
  if (standing !== 'next') {
    const of = 'time' in subject ? `turnout at ${subject.time}` : `contest ${subject.contestId}`;
    found.push({
      check: 'replay',
      code: standing === 'stale' ? 'version-backwards' : 'version-skipped',
      message: `${e.streamName}@${e.revision} (${event.type}) records version ${version}${v1Report ? ' (a v1-era report)' : ''} of ${of}, whose current version is ${current}: ${standing === 'stale' ? 'the history goes back' : `version ${current + 1} is skipped`}`,
      ...where,
    });
  }
  return found;
}

function deciderCode(recorded: PrecinctEvent, decided: readonly PrecinctEvent[]): string {
  if (decided.length === 0) return 'duplicate-submission';
  const d = decided[0];
  if (d.type === 'SubmissionRefused' && recorded.type !== 'SubmissionRefused') return d.data.reasons[0]?.code ?? 'refused';
  return 'decided-differently';
}

function describeDecision(recorded: PrecinctEvent, decided: readonly PrecinctEvent[]): string {
  if (decided.length === 0) return `submission ${recorded.data.submissionId} was already decided earlier in the stream; ${recorded.type} should not exist`;
  const d = decided[0];
  if (d.type === 'SubmissionRefused' && recorded.type !== 'SubmissionRefused') {
    return `recorded ${recorded.type}, but the decider refuses it: ${d.data.reasons.map((r) => r.code).join(', ')}`;
  }
  if (d.type !== recorded.type) return `recorded ${recorded.type}, but the decider decides ${d.type}`;
  if ('version' in d.data && 'version' in recorded.data && d.data.version !== recorded.data.version) {
    return `recorded version ${String(recorded.data.version)}, but the stream's history makes it version ${String(d.data.version)}`;
  }
  return `recorded ${recorded.type} differs from what the decider decides from the same submission`;
}
