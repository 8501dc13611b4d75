// OpenAPI descriptions of the query API's responses. The handlers return the presenter's types
// (results.presenter.ts); these classes exist for the document at /docs and mirror them.
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';

export class LocalizedNameDto {
  @ApiProperty({ example: 'Алматы' }) kk!: string;
  @ApiProperty({ example: 'Алматы' }) ru!: string;
  @ApiProperty({ example: 'Almaty' }) en!: string;
}

export class ProgressDto {
  @ApiProperty({ description: 'How many have reported.' }) reported!: number;
  @ApiProperty({ description: 'How many are expected.' }) expected!: number;
}

export class CommissionProgressDto {
  @ApiProperty({ type: ProgressDto }) precincts!: ProgressDto;
  @ApiProperty({ type: ProgressDto }) protocols!: ProgressDto;
}

export class RatioDto {
  @ApiProperty() numerator!: number;
  @ApiProperty({ description: '0 means "no base yet".' }) denominator!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '100 × numerator / denominator, rounded half-up to 2 decimals from the exact ratio; null when the denominator is 0.',
    example: 51.94,
  })
  percent!: number | null;
}

export class ReflectsDto {
  @ApiProperty({ type: String, nullable: true, description: 'Store position of the last event these figures include (opaque "major:minor"); null before any.', example: '1234:5' })
  position!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: "The store's record time of that event." })
  recordedAt!: string | null;
}

export class ElectionListItemDto extends ReflectsDto {
  @ApiProperty({ example: 'almaty-city-2023' }) id!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ example: '2023-03-19' }) date!: string;
  @ApiProperty({ example: 'Asia/Almaty' }) timeZone!: string;
  @ApiProperty({ description: 'Number of contests.' }) contests!: number;
  @ApiProperty({ description: 'Number of precincts.' }) precincts!: number;
  @ApiProperty({ description: 'Number of commissions, precincts included.' }) commissions!: number;
  @ApiProperty() rootCommissionId!: string;
  @ApiProperty({ description: 'A commission of this election holds a demo key derived from a public seed: anyone can sign for it, so its figures prove nothing.' })
  demo!: boolean;
  @ApiProperty({ type: () => CommissionProgressDto, description: 'Election-wide: precincts with every protocol in; (precinct, contest) protocols in.' })
  progress!: CommissionProgressDto;
}

export class BodyInfoDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ type: [String] }) contestIds!: string[];
  @ApiProperty({ description: 'Whether the definition names a last election for this body (GET …/bodies/{b}/baseline answers 200).' }) hasBaseline!: boolean;
}

export class ListInfoDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ type: String, nullable: true }) shortName!: string | null;
  @ApiProperty({ example: '#0057B8', description: '#rrggbb' }) colour!: string;
  @ApiProperty() registrationOrder!: number;
}

export class CandidateInfoDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ type: String, nullable: true, description: 'Nominating list id; null = self-nominated.' }) party!: string | null;
}

export class ContestInfoDto {
  @ApiProperty({ enum: ['list', 'single-member'] }) kind!: 'list' | 'single-member';
  @ApiProperty() id!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty() body!: string;
  @ApiPropertyOptional({ description: 'list contests' }) seats?: number;
  @ApiPropertyOptional({ description: 'list contests; inclusive' }) thresholdPercent?: number;
  @ApiPropertyOptional({ enum: ['list-votes', 'list-votes-plus-against-all', 'ballots-cast'] }) thresholdBase?: string;
  @ApiPropertyOptional({ enum: ['hare', 'droop', 'dhondt', 'sainte-lague'] }) method?: string;
  @ApiPropertyOptional({ description: 'single-member contests' }) district?: string;
  @ApiPropertyOptional({ enum: ['plurality', 'majority-runoff'] }) rule?: string;
  @ApiProperty({ type: [String], description: 'List ids or candidate ids in ballot order.' }) choices!: string[];
}

export class RefusalTallyDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'By refusal code.' }) byCode!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'By kind: protocol, correction, turnout.' }) byKind!: Record<string, number>;
}

export class ElectionSummaryDto extends ReflectsDto {
  @ApiProperty() electionId!: string;
  @ApiProperty() eventsApplied!: number;
  @ApiProperty({ description: 'Events that did not fit the definition and were skipped.' }) eventsIgnored!: number;
  @ApiProperty({ type: ProgressDto }) precincts!: ProgressDto;
  @ApiProperty({ type: ProgressDto }) protocols!: ProgressDto;
  @ApiProperty({ type: RefusalTallyDto }) refusals!: RefusalTallyDto;
}

export class ElectionDetailDto extends OmitType(ElectionListItemDto, ['contests'] as const) {
  @ApiProperty({ type: [String], example: ['10:00', '12:00'] }) turnoutTimes!: string[];
  @ApiProperty({ type: [BodyInfoDto] }) bodies!: BodyInfoDto[];
  @ApiProperty({ type: [ListInfoDto] }) lists!: ListInfoDto[];
  @ApiProperty({ type: [CandidateInfoDto] }) candidates!: CandidateInfoDto[];
  @ApiProperty({ type: [ContestInfoDto] }) contests!: ContestInfoDto[];
  @ApiProperty({ type: ElectionSummaryDto }) summary!: ElectionSummaryDto;
}

export class CommissionNodeDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['central', 'regional', 'district', 'precinct'] }) level!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ type: ProgressDto, description: 'Precincts beneath with every protocol in (a precinct: 0 or 1 of 1).' }) precincts!: ProgressDto;
  @ApiProperty({ type: ProgressDto, description: '(precinct, contest) protocols in beneath.' }) protocols!: ProgressDto;
  @ApiPropertyOptional({ type: () => [CommissionNodeDto], description: 'Present down to the requested depth.' }) children?: CommissionNodeDto[];
}

export class BallotsIssuedDto {
  @ApiProperty() atStation!: number;
  @ApiProperty() early!: number;
  @ApiProperty() mobile!: number;
  @ApiProperty() total!: number;
}

export class TurnoutAtTimeDto {
  @ApiProperty({ example: '12:00' }) time!: string;
  @ApiProperty() ballotsIssued!: number;
  @ApiProperty({ description: 'Voters on the list of the precincts that reported at that time.' }) registeredVoters!: number;
  @ApiProperty() precinctsReported!: number;
  @ApiProperty({ type: RatioDto }) turnout!: RatioDto;
}

export class ListChoiceResultsDto {
  @ApiProperty() id!: string;
  @ApiProperty() votes!: number;
  @ApiProperty({ type: RatioDto, description: 'Share of this commission’s base (see baseKind): a local share below the allocating scope.' }) share!: RatioDto;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['certainly-in', 'certainly-out', 'undecided'],
    description: 'Threshold verdict given the voters still outstanding; null below the allocating scope.',
  })
  threshold!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['certainly-admitted', 'certainly-not-admitted', 'undecided'],
    description: 'Whether the list takes part in the allocation (runner-up admission included); null below the allocating scope.',
  })
  admission!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Provisional seats; null while the allocation has no result, and below the allocating scope.' }) seats!: number | null;
  @ApiProperty({ type: RatioDto, nullable: true, description: 'Below the allocating scope: the list’s votes here of its votes in the whole contest; null at it.' })
  contribution!: RatioDto | null;
}

export class ContestScopeDto {
  @ApiProperty({ enum: ['allocating', 'local'], description: 'allocating: the commission holds every precinct of the contest (threshold, admission, seats are the contest’s); local: a part of it.' })
  kind!: string;
  @ApiPropertyOptional({ description: 'local: the commission whose figures decide the contest.' }) allocatingCommissionId?: string;
}

export class CandidateResultsDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true }) party!: string | null;
  @ApiProperty() votes!: number;
  @ApiProperty({ type: RatioDto }) share!: RatioDto;
}

export class ContestResultsDtoDoc {
  @ApiProperty({ enum: ['list', 'single-member'] }) kind!: string;
  @ApiProperty() commissionId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ type: ProgressDto, description: 'Precincts under the commission voting in the contest.' }) precincts!: ProgressDto;
  @ApiProperty({ description: 'Voters on the list per the definition.' }) registeredVoters!: number;
  @ApiProperty({ description: 'Voters on the list per the protocols received.' }) registeredVotersReported!: number;
  @ApiProperty({ description: 'Voters at precincts not yet reported: the bound behind every certainty.' }) outstandingVoters!: number;
  @ApiProperty({ type: BallotsIssuedDto }) ballotsIssued!: BallotsIssuedDto;
  @ApiProperty() ballotsFound!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() againstAll!: number;
  @ApiProperty({ type: RatioDto, description: 'Final turnout of the reported precincts: ballots issued / voters on their lists.' }) turnout!: RatioDto;
  @ApiProperty({ type: [TurnoutAtTimeDto], description: 'Running turnout at each reporting time.' }) turnoutByTime!: TurnoutAtTimeDto[];
  @ApiProperty({ description: 'The denominator of every share.' }) base!: number;
  @ApiProperty({ type: RatioDto }) againstAllShare!: RatioDto;
  @ApiProperty({ enum: ['list-votes', 'list-votes-plus-against-all', 'ballots-cast', 'valid-votes'] }) baseKind!: string;
  @ApiProperty({ type: ContestScopeDto, description: 'Whose figures these are: the whole contest, or a local part of it.' }) scope!: ContestScopeDto;
  @ApiPropertyOptional({ description: 'list' }) thresholdPercent?: number;
  @ApiPropertyOptional({ description: 'list: seats of the contest' }) seats?: number;
  @ApiPropertyOptional({ type: [ListChoiceResultsDto], description: 'list' }) lists?: ListChoiceResultsDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'list: the provisional allocation, kind "allocated" (lists with seats, quota, tiesBroken) | "tie" (blocks the result) | "none". Exact ratios, no percent. null below the allocating scope.',
  })
  allocation?: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'single-member' }) district?: string;
  @ApiPropertyOptional({ type: [CandidateResultsDto], description: 'single-member' }) candidates?: CandidateResultsDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'single-member: kind "winner" (winner, votes) | "runoff-needed" | "tie" | "repeat-election" | "none"; null below the allocating scope.',
  })
  outcome?: Record<string, unknown> | null;
}

export class PartySeatsDto {
  @ApiProperty() party!: string;
  @ApiProperty() listSeats!: number;
  @ApiProperty() districtSeats!: number;
  @ApiProperty() seats!: number;
}

export class CompositionDto {
  @ApiProperty({ type: [PartySeatsDto], description: 'List contests first (registration order), then districts.' }) parties!: PartySeatsDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { candidate: { type: 'string' }, contest: { type: 'string' } } } })
  independents!: { candidate: string; contest: string }[];
  @ApiProperty({ description: 'Seats filled so far.' }) seats!: number;
  @ApiProperty({ type: [String], description: 'Contests with no result yet.' }) pending!: string[];
}

export class DistrictSeatDto {
  @ApiProperty() contestId!: string;
  @ApiProperty() district!: string;
  @ApiProperty({ type: ProgressDto }) precincts!: ProgressDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As ContestResults.outcome.' }) outcome!: Record<string, unknown>;
}

export class BodyCompositionDtoDoc {
  @ApiProperty() bodyId!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
  @ApiProperty({ description: 'All seats of the body (list seats + one per district).' }) seatsTotal!: number;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'The list contest, contest-wide: { contestId, precincts, allocation }; null for a body elected in districts only.',
  })
  list!: Record<string, unknown> | null;
  @ApiProperty({ type: [DistrictSeatDto] }) districts!: DistrictSeatDto[];
  @ApiProperty({ type: CompositionDto }) composition!: CompositionDto;
}

export class CommissionRefDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['central', 'regional', 'district', 'precinct'] }) level!: string;
  @ApiProperty({ type: LocalizedNameDto }) name!: LocalizedNameDto;
}

export class CommissionInfoDto extends CommissionRefDto {
  @ApiProperty({ type: String, nullable: true }) parentId!: string | null;
  @ApiProperty({ type: [CommissionRefDto], description: 'Ancestors from the root down to the parent (breadcrumbs).' }) path!: CommissionRefDto[];
}

export class CommissionPayloadDto extends ReflectsDto {
  @ApiProperty() electionId!: string;
  @ApiProperty({ type: CommissionInfoDto }) commission!: CommissionInfoDto;
  @ApiProperty({ type: CommissionProgressDto }) progress!: CommissionProgressDto;
  @ApiProperty({ type: [CommissionNodeDto], description: 'Direct children (precincts included) with progress, for drill-down.' }) children!: CommissionNodeDto[];
  @ApiProperty({ type: [ContestResultsDtoDoc], description: 'Every contest voted in under the commission.' }) contests!: ContestResultsDtoDoc[];
  @ApiProperty({ type: [BodyCompositionDtoDoc], description: 'Body-wide provisional composition of the bodies of those contests.' }) bodies!: BodyCompositionDtoDoc[];
}
