/**
 * The baseline of the query benchmark, run as a process of its own as the directory is: a bare
 * Node `http` server that answers `GET /v1/customers/{id}/resellers` with one ioredis `GET` of a
 * key holding the directory's response body for that customer (404 when there is none). No
 * framework, no token check, no state to parse: what answering the route costs at the least.
 *
 * Environment: PORT, REDIS_URL, BODY_KEY_PREFIX (the body of customer C is at `<prefix>C`).
 */
import { createServer } from 'node:http';
import Redis from 'ioredis';

const ROUTE = /^\/v1\/customers\/([^/?]+)\/resellers(?:\?.*)?$/;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: process.env.BODY_KEY_PREFIX ?? '' });

const server = createServer((req, res) => {
  const match = req.method === 'GET' ? ROUTE.exec(req.url ?? '') : null;
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  redis.get(decodeURIComponent(match[1])).then(
    (body) => {
      if (body === null) res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}');
      else res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    () => res.writeHead(503).end(),
  );
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on ${JSON.stringify(server.address())}`));
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  process.exit(0);
});
