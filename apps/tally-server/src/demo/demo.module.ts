import { Module } from '@nestjs/common';
import { ElectionsModule } from '../elections/elections.module';
import { DemoSimulator } from './demo-simulator';

@Module({ imports: [ElectionsModule], providers: [DemoSimulator], exports: [DemoSimulator] })
export class DemoModule {}
