// The one stream the service's loggers write to: pino's asynchronous destination on stdout. The
// service logger and the access logs are pino instances of their own (nestjs-pino makes both);
// sharing it keeps their lines, and main.ts's banner written after the start-up lines, in order.
import pino from 'pino';

export const logDestination = pino.destination({ dest: 1, sync: false });
