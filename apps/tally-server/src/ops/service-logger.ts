// The logger Nest writes through: nestjs-pino's, with Nest's own start-up chatter moved to debug.
// At start Nest says a line per module and per route (about 80 here) before the service says
// anything of its own; an operator watching the start, or a log shipper at `info`, wants the
// service's lines. `LOG_LEVEL=debug` shows them all again. Everything else passes unchanged.
import type { LoggerService } from '@nestjs/common';

/** Contexts whose `log` lines are Nest's bootstrap narration (module wiring, route mapping). */
export const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

type Call = (message: unknown, ...optionalParams: unknown[]) => void;

export class ServiceLogger implements LoggerService {
  constructor(private readonly inner: Required<Pick<LoggerService, 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal'>>) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    // Nest passes the context last.
    const context = optionalParams[optionalParams.length - 1];
    const call: Call = typeof context === 'string' && NEST_BOOT_CONTEXTS.has(context) ? this.inner.debug : this.inner.log;
    call.call(this.inner, message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.fatal(message, ...optionalParams);
  }
}
