import type { MessageData, MessageType } from '@mp/contracts';

/** A message a decision emits: its type and data. The messaging layer adds the envelope. */
export type Outgoing = { [T in MessageType]: { type: T; data: MessageData<T> } }[MessageType];

export function message<T extends MessageType>(type: T, data: MessageData<T>): Outgoing {
  return { type, data } as Outgoing;
}
