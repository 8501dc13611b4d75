// Prometheus scrape endpoint.
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { HttpReply } from '../http/http-request';
import { TallyMetrics } from './metrics.service';

@ApiTags('operations')
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TallyMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics: submissions by outcome, intake refusals by code, in-flight submissions, latency' })
  async scrape(@Res() res: HttpReply): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.code(200).type(this.metrics.registry.contentType).send(text);
  }
}
