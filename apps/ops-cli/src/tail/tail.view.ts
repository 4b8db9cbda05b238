import type { TailedMessage } from '@mp/operations';
import { clip, paint } from '../output';

/**
 * One message a line: when it was written, partition@offset, type, customer, then the data (or
 * the value, when it is no envelope) as compact JSON; a message a consumer would refuse ends with why.
 */
export function tailLine(message: TailedMessage): string {
  const where = paint('dim', `${message.timestamp} ${message.partition}@${message.offset}`);
  const type = paint('cyan', message.type ?? (message.envelope === undefined ? '<not JSON>' : '<no type>'));
  const customer = message.customerId ?? message.key ?? '-';
  const envelope = message.envelope as { data?: unknown } | undefined;
  const body = envelope === undefined ? clip(message.raw ?? '', 2_000) : JSON.stringify(typeof envelope === 'object' && envelope && 'data' in envelope ? envelope.data : envelope);
  const problem = message.problem ? ` ${paint('red', `! ${message.problem}`)}` : '';
  return `${where} ${type} ${paint('bold', customer)} ${body}${problem}`;
}
