// The dashboard page, served by the service at `/` (projector role: the page needs its API).
import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { dashboardMiddleware, defaultDashboardDir } from './dashboard-files';

@Module({})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(dashboardMiddleware(defaultDashboardDir())).forRoutes({ path: '{*path}', method: RequestMethod.GET });
  }
}
