// OpenAPI descriptions of the seat explanation (seat-explanation.presenter.ts mirrors them).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProgressDto, ReflectsDto } from './results.dto';

export class RatioValueDto {
  @ApiProperty() numerator!: number;
  @ApiProperty() denominator!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'numerator / denominator to six decimals, for reading; the exact figure is the ratio.' }) value!: number | null;
}

export class RankedSeatDto {
  @ApiProperty({ description: '1 for the first seat handed out.' }) rank!: number;
  @ApiProperty() list!: string;
  @ApiProperty({ description: 'Which of the list’s seats this is (1 for its first).' }) ofList!: number;
  @ApiProperty({ enum: ['quota', 'remainder', 'quotient'] }) stage!: string;
  @ApiProperty({ type: RatioValueDto, nullable: true, description: 'The remainder (of the quota) or quotient that won it; null for a whole quota.' }) by!: RatioValueDto | null;
}

export class QuotientCellDto {
  @ApiProperty() divisor!: number;
  @ApiProperty({ type: RatioValueDto, description: 'votes / divisor.' }) quotient!: RatioValueDto;
  @ApiProperty({ type: Number, nullable: true, description: 'The rank of the seat it won; null for the list’s next quotient (what one more seat would need).' }) seatRank!: number | null;
}

export class ExplainedListDto {
  @ApiProperty() id!: string;
  @ApiProperty() votes!: number;
  @ApiProperty() admitted!: boolean;
  @ApiProperty() seats!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Largest remainder: seats from whole quotas (null: not admitted).' }) quotaSeats?: number | null;
  @ApiPropertyOptional({ type: RatioValueDto, nullable: true, description: 'Largest remainder: the remainder as a fraction of the quota.' }) remainder?: RatioValueDto | null;
  @ApiPropertyOptional({ description: 'Largest remainder: seats won by remainder.' }) remainderSeats?: number;
  @ApiPropertyOptional({ type: [QuotientCellDto], description: 'Divisor methods: every quotient that won a seat, then the next.' }) quotients?: QuotientCellDto[];
}

export class SeatExplanationDtoDoc {
  @ApiProperty({ enum: ['largest-remainder', 'highest-averages'] }) kind!: string;
  @ApiProperty({ enum: ['hare', 'droop', 'dhondt', 'sainte-lague'] }) method!: string;
  @ApiProperty() seats!: number;
  @ApiPropertyOptional({ type: RatioValueDto, description: 'Largest remainder: the quota (Hare: admitted votes / seats; Droop: floor(votes / (seats + 1)) + 1).' }) quota?: RatioValueDto;
  @ApiPropertyOptional({ description: 'Largest remainder: the admitted lists’ votes.' }) quotaVotes?: number;
  @ApiPropertyOptional({ type: [Number], description: 'Divisor methods: the divisor of a list’s 1st, 2nd, … seat.' }) divisors?: number[];
  @ApiProperty({ type: [ExplainedListDto] }) lists!: ExplainedListDto[];
  @ApiProperty({ type: [RankedSeatDto], description: 'Every seat in the order the method hands it out: whole quotas (larger lists first), then remainders; or the quotients, highest first.' }) ranking!: RankedSeatDto[];
  @ApiPropertyOptional({ type: RatioValueDto, nullable: true, description: 'Divisor methods: the lowest quotient that won a seat.' }) lastWinning?: RatioValueDto | null;
  @ApiPropertyOptional({ type: RatioValueDto, nullable: true, description: 'Divisor methods: the highest quotient that did not.' }) firstLosing?: RatioValueDto | null;
}

export class ExplanationListDto {
  @ApiProperty() id!: string;
  @ApiProperty() votes!: number;
  @ApiProperty() passedThreshold!: boolean;
  @ApiProperty() admittedAsRunnerUp!: boolean;
  @ApiProperty({ type: Number, nullable: true }) seats!: number | null;
}

export class PrecinctTotalsDtoDoc {
  @ApiProperty() precinctId!: string;
  @ApiProperty({ description: 'The protocol version counted (above 1: corrected).' }) version!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Votes per list id.' }) votes!: Record<string, number>;
  @ApiProperty() againstAll!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() ballotsFound!: number;
}

export class ProtocolPageDto {
  @ApiProperty({ description: 'Counted protocols of the contest.' }) total!: number;
  @ApiProperty() offset!: number;
  @ApiProperty() limit!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The offset of the next page; null on the last.' }) next!: number | null;
  @ApiProperty({ type: [PrecinctTotalsDtoDoc] }) precincts!: PrecinctTotalsDtoDoc[];
}

export class ExplanationDtoDoc extends ReflectsDto {
  @ApiProperty() electionId!: string;
  @ApiProperty() commissionId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty({ enum: ['allocating'] }) scope!: string;
  @ApiProperty({ type: ProgressDto, description: 'Precincts reported: provisional until all are in.' }) precincts!: ProgressDto;
  @ApiProperty({ enum: ['hare', 'droop', 'dhondt', 'sainte-lague'] }) method!: string;
  @ApiProperty() seats!: number;
  @ApiProperty() thresholdPercent!: number;
  @ApiProperty({ type: [ExplanationListDto] }) lists!: ExplanationListDto[];
  @ApiProperty() againstAll!: number;
  @ApiProperty({ type: SeatExplanationDtoDoc, nullable: true }) explanation!: SeatExplanationDtoDoc | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why `explanation` is null: tie, no-votes, no-admitted-list, no-seats.' }) unavailable!: string | null;
  @ApiProperty({ type: ProtocolPageDto }) protocols!: ProtocolPageDto;
}
