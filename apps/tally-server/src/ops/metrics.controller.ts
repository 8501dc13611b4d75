// Prometheus scrape endpoint.
import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { ServerResponse } from 'node:http';
import { TallyMetrics } from './metrics.service';

@ApiTags('operations')
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TallyMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics: submissions by outcome, intake refusals by code, in-flight submissions, latency' })
  async scrape(@Res() res: ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(text);
  }
}
