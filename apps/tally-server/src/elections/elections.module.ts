import { Module } from '@nestjs/common';
import { ElectionRegistry } from './election-registry.service';

@Module({ providers: [ElectionRegistry], exports: [ElectionRegistry] })
export class ElectionsModule {}
