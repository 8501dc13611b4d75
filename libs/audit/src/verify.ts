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
// and at the end compares a full recomputation of the results views with what the projector
// published (digests at the positions it published them).
import {
  decodePrecinctEvent,
  decidePrecinct,
  evolvePrecinct,
  initialPrecinctState,
  validateProtocol,
  validateTurnoutReport,
  applyEvent,
  createResultsView,
  describeKeyOutsideValidity,
  type ElectionIndex,
  type PrecinctCommand,
  type PrecinctEvent,
  type PrecinctState,
  type ResultsView,
  type SubmissionMeta,
} from '@tally/domain';
import { canonicalJson } from '@tally/encoding';
import { comparePositions, verifyStore, type EventStore, type RecordedEvent } from '@tally/event-store';
import { findSigner, signedSubjectOfEvent } from '@tally/signatures';
import { electionOfStream, isPrecinctStream, precinctOfStream, PROJECTED_CATEGORIES, toViewEvent, viewDigest } from '@tally/projection';
import { loadElections, scanStore, type LoadedElections, type ScanProgress } from './audit-scan';
import { decodeFailureReason, recordedAt } from './unreadable';

export type CheckName = 'definitions' | 'hash-chain' | 'stream' | 'signature' | 'control-relation' | 'decider' | 'recomputation';

export interface VerifyFailure {
  readonly check: CheckName;
  /** Stable: e.g. content-mismatch, invalid-signature, revoked-key, not-yet-valid, BALLOTS_FOUND_MISMATCH, decided-differently, digest-mismatch. */
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
}

interface StreamCheck {
  state: PrecinctState;
}

const at = (e: RecordedEvent, electionId?: string) => ({ ...recordedAt(e), ...(electionId === undefined ? {} : { electionId }) });

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
  };
  switch (event.type) {
    case 'ProtocolRecorded':
      return { type: 'SubmitProtocol', meta, protocol: event.data.protocol };
    case 'ProtocolCorrected':
      return { type: 'CorrectProtocol', meta, protocol: event.data.protocol, reason: event.data.reason, supersedes: event.data.supersedes };
    case 'TurnoutReported':
      return { type: 'ReportTurnout', meta, time: event.data.time, ballotsIssued: event.data.ballotsIssued };
    case 'SubmissionRefused': {
      const payload = (event.data.payload ?? {}) as Record<string, unknown>;
      switch (event.data.kind) {
        case 'protocol':
          return { type: 'SubmitProtocol', meta, protocol: event.data.payload as never };
        case 'correction':
          return {
            type: 'CorrectProtocol',
            meta,
            protocol: payload.protocol as never,
            reason: payload.reason as string,
            ...(payload.supersedes === undefined ? {} : { supersedes: payload.supersedes as string }),
          };
        case 'turnout':
          return { type: 'ReportTurnout', meta, time: payload.time as string, ballotsIssued: payload.ballotsIssued as number };
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
function decisionKey(event: PrecinctEvent): string {
  if (event.type === 'SubmissionRefused') {
    const { reasons, ...rest } = event.data;
    return canonicalJson({ type: event.type, data: rest, reasons: reasons.map((r) => `${r.code}@${r.field}`) });
  }
  return canonicalJson({ type: event.type, data: event.data });
}

export async function verifyAudit(store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const maxFailures = options.maxFailures ?? 100;
  const chainFailures: VerifyFailure[] = [];
  const eventFailures: VerifyFailure[] = [];
  const recomputationFailures: VerifyFailure[] = [];
  const counts: Record<CheckName, { checked: number; failed: number }> = {
    definitions: { checked: 0, failed: 0 },
    'hash-chain': { checked: 0, failed: 0 },
    stream: { checked: 0, failed: 0 },
    signature: { checked: 0, failed: 0 },
    'control-relation': { checked: 0, failed: 0 },
    decider: { checked: 0, failed: 0 },
    recomputation: { checked: 0, failed: 0 },
  };
  let failureCount = 0;
  const fail = (list: VerifyFailure[], f: VerifyFailure) => {
    failureCount++;
    counts[f.check].failed++;
    if (list.length < maxFailures) list.push(f);
  };

  // 1. The hash chains, by the event store's own verifier.
  const chain = await verifyStore(store, { batchSize: 5000 });
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
  let events = 0;
  let through: string | null = null;
  for await (const e of scanStore(store, { filter: PROJECTED_CATEGORIES, onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, phase: 'events' })) })) {
    captureUpTo(e.position);
    events++;
    through = e.position;
    const electionId = electionOfStream(e.streamName);
    if (electionId === undefined) continue;
    if (!isPrecinctStream(e.streamName)) {
      // The election's own stream: its lots are folded in as the projector folds them.
      const viewEvent = toViewEvent(e);
      const lotView = views.get(electionId);
      if (viewEvent !== undefined && lotView !== undefined) applyEvent(lotView, viewEvent);
      continue;
    }
    const defined = loaded.elections.get(electionId);
    counts.stream.checked++;
    if (!defined) {
      fail(eventFailures, { check: 'stream', code: 'undefined-election', message: `${e.streamName}: the store defines no election ${electionId}`, ...at(e, electionId) });
      continue;
    }
    const view = views.get(electionId)!;
    const viewEvent = toViewEvent(e);
    if (viewEvent !== undefined) applyEvent(view, viewEvent);
    try {
      checkPrecinctEvent(e, electionId, defined.index, streams, (f) => fail(eventFailures, f), counts);
    } catch (error) {
      // A recorded event so malformed that a check cannot even read it is itself the finding.
      fail(eventFailures, { check: 'stream', code: 'malformed-event', message: `${e.streamName}@${e.revision} (${e.type}) cannot be read as one: ${error instanceof Error ? error.message : String(error)}`, ...at(e, electionId) });
    }
  }
  captureUpTo(null);

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
      stream: status('stream'),
      signature: status('signature'),
      'control-relation': status('control-relation'),
      decider: status('decider'),
      recomputation: status('recomputation', captures.length === 0 ? 'nothing published to compare with (give --server, or run where the projector writes its files)' : undefined),
    },
    digests,
    recomputations,
    firstFailure: failures[0] ?? null,
    failureCount,
    failures,
  };
}

function checkPrecinctEvent(
  e: RecordedEvent,
  electionId: string,
  election: ElectionIndex,
  streams: Map<string, StreamCheck>,
  fail: (f: VerifyFailure) => void,
  counts: Record<CheckName, { checked: number; failed: number }>,
): void {
  const where = at(e, electionId);
  // The domain's codec decides what a stored record is; one that it refuses is the finding.
  const decoded = decodePrecinctEvent(e);
  if (!decoded.ok) {
    const f = decoded.error;
    fail(
      f.kind === 'unknown-type'
        ? { check: 'stream', code: 'unknown-event-type', message: `${e.streamName}@${e.revision}: ${decodeFailureReason(f)}`, ...where }
        : { check: 'stream', code: 'malformed-event', message: `${e.streamName}@${e.revision} (${e.type}) cannot be read as one: ${decodeFailureReason(f)}`, ...where },
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
  let stream = streams.get(e.streamName);
  if (!stream) {
    stream = { state: initialPrecinctState() };
    streams.set(e.streamName, stream);
  }

  // Signature: every fact a commission caused carries its commission's signature.
  const signature = event.data.signature;
  const subject = signedSubjectOfEvent(event);
  if (event.type !== 'SubmissionRefused' || (signature && subject)) {
    counts.signature.checked++;
    if (!signature) {
      fail({ check: 'signature', code: 'unsigned', message: `${e.streamName}@${e.revision} (${e.type}) carries no signature of ${event.data.submittedBy}`, ...where });
    } else if (!subject) {
      fail({ check: 'signature', code: 'nothing-signed', message: `${e.streamName}@${e.revision}: no signed subject can be rebuilt from the event`, ...where });
    } else {
      // Only the submitter's keys (scanning every commission per event would be quadratic at
      // national scale), as they were when the submission was received.
      const signer = findSigner(election.keys, subject, signature, event.data.submittedBy, { at: event.data.receivedAt });
      if (!signer.ok) {
        let why: string;
        switch (signer.problem) {
          case 'unknown-key':
            why = `${event.data.submittedBy} has no key ${signer.keyId}`;
            break;
          case 'invalid-signature':
            why = `the signature does not verify under ${event.data.submittedBy}'s key ${signer.keyId}`;
            break;
          default:
            why = `signed by a key not valid then: ${describeKeyOutsideValidity(signer.key, signer.problem, event.data.receivedAt).message}`;
        }
        fail({ check: 'signature', code: signer.problem, message: `${e.streamName}@${e.revision} (${e.type}): ${why}`, ...where });
      }
    }
  }

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

  // The decider, re-run on the rebuilt command: it must decide exactly what was recorded.
  counts.decider.checked++;
  let decided: PrecinctEvent[];
  try {
    decided = decidePrecinct(commandOf(event), stream.state, { election });
  } catch (error) {
    fail({ check: 'decider', code: 'undecidable', message: `${e.streamName}@${e.revision}: ${error instanceof Error ? error.message : String(error)}`, ...where });
    return;
  }
  const recorded = decisionKey(event);
  if (decided.length !== 1 || decisionKey(decided[0]) !== recorded) {
    fail({ check: 'decider', code: deciderCode(event, decided), message: `${e.streamName}@${e.revision}: ${describeDecision(event, decided)}`, ...where });
  }
  // Go on from what was recorded, so one bad event does not hide the ones after it.
  try {
    stream.state = evolvePrecinct(stream.state, event);
  } catch {
    // An event evolve cannot take was reported above.
  }
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
