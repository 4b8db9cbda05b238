import type { CloudEvent } from '@mp/contracts';
import type { RecipientRef } from '@mp/domain';
import { EmailContent, EmailContext, EmailTemplate, EmailView } from './email-view';
import { emailTemplates } from './templates';

export type { EmailContext } from './email-view';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const partyNames = { customer: 'the customer', reseller: 'the reseller', provider: "the reseller's indirect provider" } as const;

/** An event no template knows (a type added later): still told, plainly, rather than dropped. */
const fallback: EmailTemplate<{ customerId?: string; resellerId?: string }> = (d, view) => ({
  subject: `${view.event.type}${d.customerId ? ` for ${view.customerName(d.customerId)}` : ''}`,
  paragraphs: [`multipartner reports a ${view.event.type} event.`],
  facts: [
    ['Customer', d.customerId ? view.customer(d.customerId) : undefined],
    ['Reseller', view.partner(d.resellerId)],
  ],
});

/**
 * The e-mail telling `recipient` of `event` (DESIGN §8): the event type's template fills in a
 * subject, paragraphs and facts; this lays them out as plain text and as simple HTML. Pure.
 */
export function renderEmail(event: CloudEvent, recipient: RecipientRef, context: EmailContext): RenderedEmail {
  const view = new EmailView(event, recipient, context);
  const template = (emailTemplates[event.type] ?? fallback) as EmailTemplate<unknown>;
  const content = template(event.data, view);
  const footer = `You receive this as ${partyNames[recipient.party]}. Event ${event.type} ${event.id}.`;
  return { subject: oneLine(content.subject), text: textOf(view.recipientName(), content, footer), html: htmlOf(view.recipientName(), content, footer) };
}

function factsOf(content: EmailContent): Array<[string, string]> {
  return content.facts.filter((fact): fact is [string, string] => fact[1] !== undefined && fact[1] !== '');
}

function textOf(name: string, content: EmailContent, footer: string): string {
  const facts = factsOf(content);
  const width = Math.max(0, ...facts.map(([label]) => label.length)) + 1;
  return [
    `Hello ${name},`,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`),
    '',
    '-- ',
    `multipartner. ${footer}`,
    '',
  ].join('\n');
}

function htmlOf(name: string, content: EmailContent, footer: string): string {
  const rows = factsOf(content)
    .map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escape(label)}</th><td>${escape(value)}</td></tr>`)
    .join('\n');
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escape(oneLine(content.subject))}</title></head>`,
    '<body style="font-family:sans-serif">',
    `<p>Hello ${escape(name)},</p>`,
    ...content.paragraphs.map((p) => `<p>${escape(p)}</p>`),
    `<table>\n${rows}\n</table>`,
    `<p style="color:#666;font-size:small">multipartner. ${escape(footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** A subject is one header line: no line breaks from a name or a reason. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
