import { Module } from '@nestjs/common';
import { ElectionRegistry } from './election-registry.service';
import { LotsController } from './lots.controller';

// Every process has this module (and the global AuthModule the lots controller's guard needs).
@Module({ providers: [ElectionRegistry], exports: [ElectionRegistry], controllers: [LotsController] })
export class ElectionsModule {}
