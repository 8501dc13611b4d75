// Export: the results at a store position as a NIST SP 1500-100 v2 Election Results Common Data
// Format document (JSON), or as a per-precinct CSV. Both are functions of the replayed view and
// the recorded events only — no clock, no environment — so two auditors exporting at the same
// position get the same bytes. Mapping decisions are in ../README.md.
import {
  decodeElectionEvent,
  commissionResults,
  commissionTree,
  contestResults,
  electionSummary,
  type Contest,
  type ContestResults,
  type ElectionIndex,
  type LocalizedName,
  type ResultsView,
} from '@tally/domain';
import type { EventStore, RecordedEvent } from '@tally/event-store';
import { isPrecinctStream } from '@tally/projection';
import { loadElections, type Bound, type LoadedElections, type ScanProgress } from './audit-scan';
import { replay } from './replay';
import { readPrecinctEvent, type UnreadableRecord } from './unreadable';

export type ExportFormat = 'cdf' | 'csv';

export interface ExportRequest {
  readonly electionId: string;
  readonly format: ExportFormat;
  readonly until?: Bound;
  readonly onProgress?: (progress: ScanProgress) => void;
  readonly elections?: LoadedElections;
}

export interface ExportResult {
  readonly contentType: string;
  readonly body: string;
  /** The last event of the election the export reflects, and when the store recorded it. */
  readonly position: string;
  readonly recordedAt: string;
  /** How final (NIST CDF ResultsStatus): `certified` once every body's seats are certified (and none decertified since): the official results. */
  readonly status: 'pre-election' | 'unofficial-partial' | 'unofficial-complete' | 'certified';
  /** The election's precinct records that do not decode (verify fails them): they give no CSV provenance. */
  readonly unreadable: readonly UnreadableRecord[];
}

/** Which version of a (precinct, contest) protocol is counted, and where it was recorded. */
export interface Provenance {
  readonly version: number;
  readonly submissionId: string;
  readonly position: string;
  readonly recordedAt: string;
}

export const CDF_VENDOR_APPLICATION_ID = 'Tally audit export, tally.cdf.v1';
const AGAINST_ALL_NAME: LocalizedName = { kk: 'Барлығына қарсы', ru: 'Против всех', en: 'Against all' };

export async function exportElection(
  store: EventStore,
  request: ExportRequest,
): Promise<{ ok: true; value: ExportResult } | { ok: false; error: { code: 'UNKNOWN_ELECTION'; message: string } }> {
  const loaded = request.elections ?? (await loadElections(store));
  if (!loaded.elections.has(request.electionId)) return { ok: false, error: { code: 'UNKNOWN_ELECTION', message: `the store defines no election ${request.electionId}` } };
  const provenance = new Map<string, Provenance>();
  const unreadable: UnreadableRecord[] = [];
  const certified = new Set<string>();
  const observe = (e: RecordedEvent, _electionId: string, outcome: { kind: string } | undefined) => {
    if (!isPrecinctStream(e.streamName)) {
      // The certifications in force at the export's position (the auditors' verify decides each again).
      if (e.type === 'ResultsCertified' || e.type === 'ResultsDecertified') {
        const decoded = decodeElectionEvent(e);
        if (decoded.ok && (decoded.value.type === 'ResultsCertified' || decoded.value.type === 'ResultsDecertified')) {
          const bodyId = decoded.value.data.act.bodyId;
          if (decoded.value.type === 'ResultsCertified') certified.add(bodyId);
          else certified.delete(bodyId);
        }
      }
      return;
    }
    // No provenance can be read from an unreadable record: the export lists it rather than guess.
    const event = readPrecinctEvent(e, unreadable);
    if (event === undefined || outcome?.kind !== 'applied' || (event.type !== 'ProtocolRecorded' && event.type !== 'ProtocolCorrected')) return;
    const data = event.data;
    provenance.set(`${data.precinctId}\u0000${data.contestId}`, {
      version: data.version,
      submissionId: data.submissionId,
      position: e.position,
      recordedAt: e.recordedAt.toISOString(),
    });
  };
  const replayed = await replay(store, { until: request.until, electionId: request.electionId, elections: loaded, observe, onProgress: request.onProgress });
  const entry = replayed.elections.get(request.electionId)!;
  // Before its definition was recorded the election did not exist: its first state is the definition's.
  const last = entry.last ?? { position: entry.definition.position, recordedAt: entry.definition.recordedAt };
  const summary = electionSummary(entry.view);
  const bodies = entry.view.election.definition.bodies;
  // An election still in test mode: its figures are test figures (NIST's pre-election status).
  const status = entry.view.test
    ? 'pre-election'
    : bodies.length > 0 && bodies.every((b) => certified.has(b.id)) ? 'certified' : summary.protocols.reported === summary.protocols.expected ? 'unofficial-complete' : 'unofficial-partial';
  const at = { position: last.position, recordedAt: last.recordedAt, status } as const;
  const body =
    request.format === 'cdf'
      ? `${JSON.stringify(buildCdf(entry.view, at), null, 2)}\n`
      : buildCsv(entry.view, at, (precinctId, contestId) => provenance.get(`${precinctId}\u0000${contestId}`));
  return { ok: true, value: { contentType: request.format === 'cdf' ? 'application/json' : 'text/csv; charset=utf-8', body, ...at, unreadable } };
}

interface ExportAt {
  readonly position: string;
  readonly recordedAt: string;
  readonly status: ExportResult['status'];
}

// ---------------------------------------------------------------------------------------------
// NIST SP 1500-100 v2 CDF

const T = <S extends string>(name: S) => `ElectionResults.${name}` as const;

const text = (name: LocalizedName) => ({
  '@type': T('InternationalizedText'),
  Text: (['kk', 'ru', 'en'] as const).map((language) => ({ '@type': T('LanguageString'), Content: name[language], Language: language })),
});

/** The CDF's DateTimeWithZone has whole seconds. */
const cdfDateTime = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

const gpu = (commissionId: string) => `gpu-${commissionId}`;
const contestDistrict = (contestId: string) => `gpu-contest-${contestId}`;
const party = (listId: string) => `party-${listId}`;
const candidate = (candidateId: string) => `candidate-${candidateId}`;
const selection = (contestId: string, choiceId: string) => `selection-${contestId}-${choiceId}`;
const againstAllSelection = (contestId: string) => `selection-${contestId}-against-all`;

/** Commission levels as CDF reporting-unit types: the country, its first- and second-level divisions, precincts. */
const UNIT_TYPE = { central: 'country', regional: 'state', district: 'county', precinct: 'precinct' } as const;

/** A contest's territory: the root when every precinct votes in it, else a unit of its own composed of its precincts. */
function coversAll(election: ElectionIndex, contest: Contest): boolean {
  return election.precinctsInContest(contest.id).length === election.precinctCount;
}

export function buildCdf(view: ResultsView, at: ExportAt): Record<string, unknown> {
  const election = view.election;
  const def = election.definition;
  const root = election.root;

  // Voters on the list per the definition, summed over any commission's precinct range.
  const registeredPrefix = new Float64Array(election.precinctCount + 1);
  for (let d = 0; d < election.precinctCount; d++) registeredPrefix[d + 1] = registeredPrefix[d] + (election.precinctAt(d)?.registeredVoters ?? 0);

  const gpUnits: Record<string, unknown>[] = def.commissions.map((c) => {
    const [start, end] = election.precinctRange(c.id)!;
    const children = election.children(c.id);
    const node = commissionTree(view, { from: c.id, depth: 0, precincts: true })!;
    return {
      '@id': gpu(c.id),
      '@type': T('ReportingUnit'),
      ...(children.length > 0 ? { ComposingGpUnitIds: children.map(gpu) } : {}),
      ExternalIdentifier: [{ '@type': T('ExternalIdentifier'), Type: 'other', OtherType: 'tally-commission-id', Value: c.id }],
      Name: text(c.name),
      ...(c.level === 'precinct' ? {} : { SubUnitsReported: node.precincts.reported, TotalSubUnits: node.precincts.expected }),
      Type: UNIT_TYPE[c.level],
      VotersRegistered: registeredPrefix[end] - registeredPrefix[start],
    };
  });
  for (const contest of def.contests) {
    if (coversAll(election, contest)) continue;
    gpUnits.push({
      '@id': contestDistrict(contest.id),
      '@type': T('ReportingUnit'),
      ComposingGpUnitIds: Array.from(election.precinctsInContest(contest.id), (d) => gpu(election.precinctIds[d])),
      Name: text(contest.name),
      OtherType: 'electoral-district',
      Type: 'other',
    });
  }

  // Every commission with a reported protocol of the contest, in definition order.
  const reportedUnits = (contest: Contest): { id: string; results: ContestResults }[] => {
    const out: { id: string; results: ContestResults }[] = [];
    for (const c of def.commissions) {
      const results = commissionResults(view, c.id, contest.id);
      if (results && results.precincts.reported > 0) out.push({ id: c.id, results });
    }
    return out;
  };

  const ballotCounts: Record<string, unknown>[] = [];
  const contests = def.contests.map((contest, sequence) => {
    const units = reportedUnits(contest);
    const whole = contestResults(view, contest.id)!;
    const districtId = coversAll(election, contest) ? gpu(root.id) : contestDistrict(contest.id);
    for (const u of units) {
      // Each contest has its own ballot paper: its ballots found and invalid per unit, told apart by OtherType.
      ballotCounts.push({
        '@type': T('BallotCounts'),
        BallotsCast: u.results.ballotsFound,
        BallotsRejected: u.results.invalid,
        GpUnitId: gpu(u.id),
        OtherType: `contest:${contest.id}`,
        Type: 'other',
      });
    }
    const counts = (votesOf: (r: ContestResults) => number, seats?: number | null) => [
      ...units.map((u) => ({ '@type': T('VoteCounts'), Count: votesOf(u.results), GpUnitId: gpu(u.id), Type: 'total' })),
      ...(seats === undefined || seats === null ? [] : [{ '@type': T('VoteCounts'), Count: seats, GpUnitId: districtId, Type: 'seats' }]),
    ];
    const againstAll = contest.againstAll
      ? [
          {
            '@id': againstAllSelection(contest.id),
            '@type': T('BallotMeasureSelection'),
            Selection: text(AGAINST_ALL_NAME),
            SequenceOrder: election.choices(contest.id).length + 1,
            VoteCounts: counts((r) => r.againstAll),
          },
        ]
      : [];
    const common = {
      '@id': `contest-${contest.id}`,
      BallotTitle: text(contest.name),
      ElectionDistrictId: districtId,
      Name: contest.name.en,
      SequenceOrder: sequence + 1,
      SubUnitsReported: whole.precincts.reported,
      TotalSubUnits: whole.precincts.expected,
    };
    if (contest.kind === 'list') {
      const seatsOf = (id: string) => (whole.kind === 'list' ? (whole.lists.find((l) => l.id === id)?.seats ?? null) : null);
      return {
        ...common,
        '@type': T('PartyContest'),
        ContestSelection: [
          ...contest.lists.map((listId, k) => ({
            '@id': selection(contest.id, listId),
            '@type': T('PartySelection'),
            PartyIds: [party(listId)],
            SequenceOrder: k + 1,
            VoteCounts: counts((r) => (r.kind === 'list' ? (r.lists.find((l) => l.id === listId)?.votes ?? 0) : 0), seatsOf(listId)),
          })),
          ...againstAll,
        ],
        VoteVariation: 'proportional',
      };
    }
    const winner = whole.kind === 'single-member' && whole.outcome?.kind === 'winner' ? whole.outcome.winner : undefined;
    return {
      ...common,
      '@type': T('CandidateContest'),
      ContestSelection: [
        ...contest.candidates.map((candidateId, k) => ({
          '@id': selection(contest.id, candidateId),
          '@type': T('CandidateSelection'),
          CandidateIds: [candidate(candidateId)],
          SequenceOrder: k + 1,
          VoteCounts: counts((r) => (r.kind === 'single-member' ? (r.candidates.find((c) => c.id === candidateId)?.votes ?? 0) : 0), winner === undefined ? undefined : winner === candidateId ? 1 : 0),
        })),
        ...againstAll,
      ],
      NumberElected: 1,
      VoteVariation: contest.rule === 'majority-runoff' ? 'majority' : 'plurality',
      VotesAllowed: 1,
    };
  });

  const generated = cdfDateTime(at.recordedAt);
  return {
    '@type': T('ElectionReport'),
    Election: [
      {
        '@type': T('Election'),
        BallotCounts: ballotCounts,
        Candidate: def.candidates.map((c) => ({
          '@id': candidate(c.id),
          '@type': T('Candidate'),
          BallotName: text(c.name),
          ...(c.party !== null && election.list(c.party) ? { PartyId: party(c.party) } : {}),
        })),
        Contest: contests,
        ElectionScopeId: gpu(root.id),
        EndDate: def.date,
        ExternalIdentifier: [{ '@type': T('ExternalIdentifier'), Type: 'other', OtherType: 'tally-election-id', Value: def.id }],
        Name: text(def.name),
        StartDate: def.date,
        Type: 'general',
      },
    ],
    ExternalIdentifier: [
      { '@type': T('ExternalIdentifier'), Type: 'other', OtherType: 'tally-store-position', Value: at.position },
      { '@type': T('ExternalIdentifier'), Type: 'other', OtherType: 'tally-store-recorded-at', Value: at.recordedAt },
    ],
    Format: 'precinct-level',
    GeneratedDate: generated,
    GpUnit: gpUnits,
    Issuer: root.name.en,
    IssuerAbbreviation: root.id,
    Notes: `Results of ${def.id} as recorded in the Tally event store through position ${at.position} (recorded at ${at.recordedAt}); GeneratedDate is that record time, not the time of export. Provisional seats as the results views compute them.`,
    Party: def.lists.map((l) => ({
      '@id': party(l.id),
      '@type': T('Party'),
      ...(l.shortName ? { Abbreviation: text({ kk: l.shortName, ru: l.shortName, en: l.shortName }) } : {}),
      Color: l.colour.slice(1).toLowerCase(),
      Name: text(l.name),
    })),
    SequenceEnd: 1,
    SequenceStart: 1,
    Status: at.status,
    VendorApplicationId: CDF_VENDOR_APPLICATION_ID,
  };
}

// ---------------------------------------------------------------------------------------------
// Per-precinct CSV

export const CSV_COLUMNS = ['precinct_id', 'contest_id', 'choice_kind', 'choice_id', 'votes', 'version', 'submission_id', 'position', 'recorded_at'] as const;

const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * One row per reported precinct × contest × choice (then against all and invalid), with the
 * counted protocol's version and store position. The first line, a `#` comment, states the
 * position the file reflects.
 */
export function buildCsv(view: ResultsView, at: ExportAt, provenanceOf: (precinctId: string, contestId: string) => Provenance | undefined): string {
  const election = view.election;
  const lines = [
    `# tally per-precinct results; election=${election.definition.id}; position=${at.position}; recorded_at=${at.recordedAt}; status=${at.status}`,
    CSV_COLUMNS.join(','),
  ];
  for (let d = 0; d < election.precinctCount; d++) {
    const precinct = election.precinctAt(d)!;
    for (const contest of election.definition.contests) {
      if (!precinct.contests.includes(contest.id)) continue;
      const p = provenanceOf(precinct.id, contest.id);
      const r = commissionResults(view, precinct.id, contest.id);
      if (!p || !r || r.precincts.reported === 0) continue;
      const row = (kind: string, choiceId: string, votes: number) =>
        [precinct.id, contest.id, kind, choiceId, votes, p.version, p.submissionId, p.position, p.recordedAt].map(csvField).join(',');
      if (r.kind === 'list') for (const l of r.lists) lines.push(row('list', l.id, l.votes));
      else for (const c of r.candidates) lines.push(row('candidate', c.id, c.votes));
      if (contest.againstAll) lines.push(row('against-all', '', r.againstAll));
      lines.push(row('invalid', '', r.invalid));
    }
  }
  return `${lines.join('\n')}\n`;
}
