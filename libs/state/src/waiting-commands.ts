import { Logger } from '@nestjs/common';
import type { CloudEvent } from '@mp/contracts';
import { waitingOf } from '@mp/domain';
import { CustomerStore } from './stores';

const log = new Logger('WaitingCommands');

/** How a service decides each kind of command it may put aside: the same handler as the consumer's. */
export type CommandHandlers = Record<string, (command: CloudEvent) => Promise<void>>;

/**
 * Decides again, in the order they came, the commands of one customer that wait for what they
 * name (DESIGN §7): each either goes out now that its state knows more, waits on, or, its wait
 * over, goes out as the refusal it was.
 */
export async function retryWaitingCommands(customers: CustomerStore, customerId: string, handlers: CommandHandlers): Promise<void> {
  const state = await customers.get(customerId);
  for (const { command } of state ? waitingOf(state) : []) {
    const handle = handlers[command.type];
    if (handle) await handle(command as CloudEvent);
    else log.error({ msg: `no handler for the waiting ${command.type} ${command.id}`, customerId });
  }
}
