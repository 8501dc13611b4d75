// Decides a command on `election-<id>`: load, fold, decide, append with the expected revision,
// all in the event store's command handler (retried there on a concurrent writer).
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, StreamCommandHandler } from '@tally/event-store';
import { DecideElectionCommand, type DecideElectionOutcome } from './decide-election.command';
import { electionStream, positionOfRepeated } from './election-stream';

@CommandHandler(DecideElectionCommand)
export class DecideElectionHandler implements ICommandHandler<DecideElectionCommand> {
  constructor(private readonly writes: StreamCommandHandler) {}

  async execute({ command }: DecideElectionCommand): Promise<DecideElectionOutcome> {
    const streamName = streamOf(command.electionId);
    if (streamName === undefined) {
      // No stream can have this id, so nothing is defined under it: the decider says what that means.
      const decided = electionStream.decide(command, electionStream.initialState());
      if (!decided.ok) return { kind: 'refused', reasons: decided.error };
      throw new Error(`election id ${JSON.stringify(command.electionId)} is valid in a definition but cannot name a stream`);
    }
    const handled = await this.writes.handle({ streamName, decider: electionStream, command });
    switch (handled.kind) {
      case 'refused':
        return { kind: 'refused', reasons: handled.refusal };
      case 'appended':
        // Already recorded: a concurrent twin appended exactly this first.
        return { kind: handled.result.alreadyRecorded ? 'unchanged' : 'recorded', position: handled.result.position, election: handled.state.election };
      case 'unchanged':
        return { kind: 'unchanged', position: positionOfRepeated(command, handled.state), election: handled.state.election };
    }
  }
}

function streamOf(electionId: string): string | undefined {
  try {
    return streams.election(electionId);
  } catch {
    return undefined;
  }
}
