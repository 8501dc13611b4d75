import { Module } from '@nestjs/common';
import { ElectionsModule } from '../elections/elections.module';
import { PrecinctVersionsController } from './precinct-versions.controller';
import { PrecinctVersionsService } from './precinct-versions.service';

// Every process has this module: it needs only the store (global) and the election registry.
@Module({
  imports: [ElectionsModule],
  providers: [PrecinctVersionsService],
  controllers: [PrecinctVersionsController],
})
export class PrecinctVersionsModule {}
