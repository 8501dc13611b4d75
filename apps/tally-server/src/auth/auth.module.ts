// API tokens for the admin and auditor roles. Global, so any module's controller can put
// `@UseGuards(ApiRoleGuard) @RequireRole('auditor')` on a handler without importing this.
import { Global, Module } from '@nestjs/common';
import { ApiRoleGuard } from './api-role.guard';
import { ApiTokens } from './api-tokens.service';

@Global()
@Module({ providers: [ApiTokens, ApiRoleGuard], exports: [ApiTokens, ApiRoleGuard] })
export class AuthModule {}
