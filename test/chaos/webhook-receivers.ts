import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { signatureIsValid } from '../support/webhook-receiver';

/** One webhook as a party's receiver saw it: the Standard Webhooks id, the event it carries, when it came. */
export interface Receipt {
  partyId: string;
  webhookId: string;
  eventId?: string;
  eventType?: string;
  eventTime?: string;
  receivedAt: number;
  signatureOk: boolean;
}

/** A request to the endpoint that never answers: when it came and when the sender gave up on it. */
export interface Hang {
  partyId: string;
  webhookId: string;
  eventId?: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * The parties' webhook endpoints, on loopback: one server that records every delivery (by
 * `webhook-id`) and answers 204, and one that reads the request and never answers, for one
 * customer whose endpoint hangs.
 */
export class WebhookReceivers {
  readonly receipts: Receipt[] = [];
  readonly hangs: Hang[] = [];
  private readonly recording: Server;
  private readonly hanging: Server;
  private readonly openSockets = new Set<Socket>();

  constructor(private readonly secret: string) {
    this.recording = createServer((req, res) => this.record(req, res));
    this.hanging = createServer((req) => this.hang(req));
    for (const server of [this.recording, this.hanging]) {
      server.on('connection', (socket) => {
        this.openSockets.add(socket);
        socket.on('close', () => this.openSockets.delete(socket));
      });
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.recording, this.hanging].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  }

  urlFor(partyId: string): string {
    return `http://127.0.0.1:${(this.recording.address() as AddressInfo).port}/hooks/${encodeURIComponent(partyId)}`;
  }

  hangingUrlFor(partyId: string): string {
    return `http://127.0.0.1:${(this.hanging.address() as AddressInfo).port}/hooks/${encodeURIComponent(partyId)}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.openSockets) socket.destroy();
    await Promise.all([this.recording, this.hanging].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private record(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = parse(body);
      this.receipts.push({
        partyId: partyOf(req),
        webhookId: String(req.headers['webhook-id'] ?? ''),
        eventId: event?.id,
        eventType: event?.type,
        eventTime: event?.time,
        receivedAt: Date.now(),
        signatureOk: signatureIsValid({ path: req.url ?? '', headers: req.headers, body, json: event as never }, this.secret),
      });
      res.writeHead(204).end();
    });
  }

  private hang(req: IncomingMessage): void {
    const chunks: Buffer[] = [];
    const hang: Hang = { partyId: partyOf(req), webhookId: String(req.headers['webhook-id'] ?? ''), startedAt: Date.now() };
    this.hangs.push(hang);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => (hang.eventId = parse(Buffer.concat(chunks).toString('utf8'))?.id));
    req.socket.on('close', () => (hang.endedAt ??= Date.now()));
  }
}

function partyOf(req: IncomingMessage): string {
  return decodeURIComponent((req.url ?? '').replace(/^\/hooks\//, '').split('?')[0]);
}

function parse(body: string): { id?: string; type?: string; time?: string } | undefined {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
