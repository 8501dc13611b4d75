import { NEST_BOOT_CONTEXTS, ServiceLogger } from './service-logger';

describe('ServiceLogger', () => {
  const make = () => {
    const calls: Array<[level: string, message: unknown, ...rest: unknown[]]> = [];
    const at =
      (level: string) =>
      (message: unknown, ...rest: unknown[]): void => {
        calls.push([level, message, ...rest]);
      };
    const inner = { log: at('log'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('verbose'), fatal: at('fatal') };
    return { logger: new ServiceLogger(inner), calls };
  };

  it('moves Nest’s start-up narration to debug, context and all', () => {
    const { logger, calls } = make();
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/v1/elections, GET} route', 'RouterExplorer');
    logger.log('ElectionsController {/v1/elections}:', 'RoutesResolver');
    logger.log('Starting Nest application...', 'NestFactory');
    expect(calls).toEqual([
      ['debug', 'AppModule dependencies initialized', 'InstanceLoader'],
      ['debug', 'Mapped {/v1/elections, GET} route', 'RouterExplorer'],
      ['debug', 'ElectionsController {/v1/elections}:', 'RoutesResolver'],
      ['debug', 'Starting Nest application...', 'NestFactory'],
    ]);
    expect([...NEST_BOOT_CONTEXTS].sort()).toEqual(['InstanceLoader', 'NestFactory', 'RouterExplorer', 'RoutesResolver']);
  });

  it('passes the service’s own lines, Nest’s start notice, and every warning and error unchanged', () => {
    const { logger, calls } = make();
    logger.log('caught up at 753:1', 'Projector');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log({ msg: 'an object' });
    logger.warn('slow', 'InstanceLoader');
    logger.error('failed', 'stack', 'RouterExplorer');
    logger.debug('d', 'X');
    logger.verbose('v', 'X');
    logger.fatal('f', 'X');
    expect(calls).toEqual([
      ['log', 'caught up at 753:1', 'Projector'],
      ['log', 'Nest application successfully started', 'NestApplication'],
      ['log', { msg: 'an object' }],
      ['warn', 'slow', 'InstanceLoader'],
      ['error', 'failed', 'stack', 'RouterExplorer'],
      ['debug', 'd', 'X'],
      ['verbose', 'v', 'X'],
      ['fatal', 'f', 'X'],
    ]);
  });
});
