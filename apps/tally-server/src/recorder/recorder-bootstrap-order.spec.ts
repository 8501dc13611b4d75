// Pins the Nest lifecycle order RecorderService relies on instead of polling for its handler: a
// provider of a (non-global) feature module that dispatches a command from its own
// onApplicationBootstrap finds the handler bound, because the global CqrsModule.forRoot() binds
// handlers in its bootstrap hook, which Nest runs first.
import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';

class Ping extends Command<string> {}

@CommandHandler(Ping)
class PingHandler implements ICommandHandler<Ping> {
  async execute(): Promise<string> {
    return 'pong';
  }
}

@Injectable()
class StartsAtBootstrap implements OnApplicationBootstrap {
  answer: string | undefined;
  constructor(private readonly commandBus: CommandBus) {}
  async onApplicationBootstrap(): Promise<void> {
    this.answer = await this.commandBus.execute(new Ping());
  }
}

@Module({ providers: [PingHandler, StartsAtBootstrap] })
class FeatureModule {}

@Module({ imports: [FeatureModule] })
class Nested {}

describe('bootstrap order the recorder relies on', () => {
  it.each([
    ['imported after CqrsModule.forRoot()', [CqrsModule.forRoot(), FeatureModule]],
    ['imported before it, and deeper', [Nested, CqrsModule.forRoot()]],
  ])('a feature module %s can dispatch a command from onApplicationBootstrap', async (_name, imports) => {
    @Module({ imports })
    class Root {}
    const app = await NestFactory.createApplicationContext(Root, { logger: false });
    try {
      expect(app.get(StartsAtBootstrap).answer).toBe('pong');
    } finally {
      await app.close();
    }
  });
});
