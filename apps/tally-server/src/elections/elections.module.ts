import { Module } from '@nestjs/common';
import { ActsController } from './acts.controller';
import { AmendmentsController } from './amendments.controller';
import { DecideElectionHandler } from './decide-election.handler';
import { ElectionDefinitionController } from './election-definition.controller';
import { ElectionRegistry } from './election-registry.service';
import { ElectionsAdminController } from './elections-admin.controller';
import { LotsController } from './lots.controller';

// Every process has this module (and the global AuthModule the admin controllers' guard needs, and
// the global CqrsModule and StreamCommandHandler the election commands go through).
@Module({
  providers: [ElectionRegistry, DecideElectionHandler],
  exports: [ElectionRegistry],
  controllers: [ElectionsAdminController, ElectionDefinitionController, LotsController, AmendmentsController, ActsController],
})
export class ElectionsModule {}
