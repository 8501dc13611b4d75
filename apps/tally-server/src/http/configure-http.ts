// Everything the HTTP surface needs before it listens: the body reader with its limits (Fastify's
// only content-type parser), the arrival time of each request, the structured logger, the access
// logs and the dashboard's files (node-hooks.ts), the OpenAPI document at /docs. One place, so
// tests and production configure it alike. Error responses, the body's problems included, are the
// exception filters' (HttpModule).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ApiTokens } from '../auth/api-tokens.service';
import type { AppConfig } from '../config/app.config';
import { ServiceLogger } from '../ops/service-logger';
import { bodyReader } from './body-reader';
import { addServiceHooks } from './node-hooks';
import { HTTP_CONFIG, type HttpConfig } from './http.config';

/** A protocol is a few hundred bytes; 64 KB leaves room and nothing else. */
export const BODY_LIMIT = '64kb';

export function configureHttp(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(new ServiceLogger(app.get(Logger)));
  const http = app.get<HttpConfig>(HTTP_CONFIG);
  const tokens = app.get(ApiTokens);
  const fastify = app.getHttpAdapter().getInstance();
  // Declared, so that every request object has the same shape (Fastify's advice).
  fastify.decorateRequest('bodyProblems', undefined);
  fastify.decorateRequest('rawBody', undefined);
  fastify.decorateRequest('receivedAt', undefined);
  fastify.addHook('onRequest', (req, _reply, done) => {
    req.receivedAt = new Date().toISOString();
    done();
  });
  // The access logs and the dashboard's files, as hooks (Nest's middleware layer is off: bootstrap.ts).
  addServiceHooks(fastify, config, { behindProxy: http.trustProxy !== false });
  // Fastify's own JSON and text parsers answer a bad body themselves; ours leaves it to the route.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    bodyReader({
      limit: http.bodyLimit,
      definitionLimit: http.definitionLimit,
      isAdmin: (authorization) => tokens.check(authorization, ['admin']).ok,
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tally')
      .setDescription(
        'Election-results tallying: commissions submit signed protocols, corrections and running turnout; ' +
          'every error is application/problem+json (RFC 9457) with a stable code, the field and the operands.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
