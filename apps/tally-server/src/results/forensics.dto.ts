// OpenAPI descriptions of the forensic signals (forensics.presenter.ts and the domain's ForensicsReport mirror them).
import { ApiProperty } from '@nestjs/swagger';
import { ProgressDto, ReflectsDto } from './results.dto';

export class FingerprintDto {
  @ApiProperty({ description: 'Where the method comes from.' }) reference!: string;
  @ApiProperty({ description: 'Precincts in the histogram.' }) precincts!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 },
    description: '[turnoutPercent, leaderSharePercent, precincts]: whole percent (floored, 0–100), non-empty cells only.',
    example: [[54, 61, 3]],
  })
  cells!: [number, number, number][];
}

export class ForensicStatisticDto {
  @ApiProperty({ example: 'z' }) name!: string;
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
}

export class ForensicThresholdDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Significance level; null for a rule without a p-value.', example: 0.001 }) alpha!: number | null;
  @ApiProperty() rule!: string;
}

export class ForensicSignalDto {
  @ApiProperty({ enum: ['integer-turnout', 'integer-leader-share', 'last-digit', 'late-arrival', 'corrections'] }) test!: string;
  @ApiProperty({ description: 'Where the method comes from.' }) reference!: string;
  @ApiProperty({ enum: ['flagged', 'clear', 'insufficient-data'] }) status!: string;
  @ApiProperty({ type: ForensicStatisticDto }) statistic!: ForensicStatisticDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Null where no null distribution is claimed (late arrival) or too little data.' }) pValue!: number | null;
  @ApiProperty({ type: ForensicThresholdDto }) threshold!: ForensicThresholdDto;
  @ApiProperty({ description: 'Precincts (counts, for the last digits) the test read.' }) sample!: number;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true }, description: 'The figures behind the statistic (late arrival: instants in RFC 3339).' })
  details!: Record<string, number | string | null>;
  @ApiProperty({ type: [String], description: 'The precincts behind the signal, most telling first, at most 100.' }) precincts!: string[];
  @ApiProperty({ description: 'How many precincts are behind it in all.' }) precinctsTotal!: number;
}

export class ForensicsDtoDoc extends ReflectsDto {
  @ApiProperty() electionId!: string;
  @ApiProperty() commissionId!: string;
  @ApiProperty() contestId!: string;
  @ApiProperty({ description: 'Signals, not verdicts.' }) note!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The choice with the most votes under the commission: whose share the fingerprint and the share test read.' }) leader!: string | null;
  @ApiProperty({ type: ProgressDto }) precincts!: ProgressDto;
  @ApiProperty({ type: FingerprintDto }) fingerprint!: FingerprintDto;
  @ApiProperty({ type: [ForensicSignalDto] }) signals!: ForensicSignalDto[];
}
