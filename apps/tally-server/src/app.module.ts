// The service as one Nest application whose roles are chosen by TALLY_ROLES: all of them in the
// embedded one-process mode, one or two per process in the distributed deployment.
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import type { AppConfig, Role } from './config/app.config';
import { ElectionsModule } from './elections/elections.module';
import { HttpModule } from './http/http.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { IntakeModule } from './intake/intake.module';
import { LogModule } from './log/log.module';
import { PrecinctVersionsModule } from './precincts/precinct-versions.module';
import { ProjectorModule } from './projector/projector.module';
import { RecorderModule } from './recorder/recorder.module';
import { SubmissionStatusModule } from './submissions/submission-status.module';

/** The modules each role brings. Keep one line per module. */
const ROLE_MODULES: Record<Role, Type[]> = {
  intake: [
    IntakeModule,
    // intake modules
  ],
  recorder: [
    RecorderModule,
    // recorder modules
  ],
  projector: [
    ProjectorModule,
    // (the dashboard's files: http/node-hooks.ts, where the roles include the projector)
    // projector modules
  ],
};

/** Modules every process has whatever its roles. */
const COMMON_MODULES: Type[] = [
  ElectionsModule,
  SubmissionStatusModule,
  HttpModule,
  AuditModule,
  PrecinctVersionsModule,
  // common modules
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const roleModules = [...new Set(config.roles.flatMap((r) => ROLE_MODULES[r]))];
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), CqrsModule.forRoot(), ...COMMON_MODULES, ...(config.log.enabled ? [LogModule] : []), ...roleModules],
    };
  }
}
