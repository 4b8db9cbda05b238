import { decodeURIComponentSafely } from './secrets';

/** A host name or an IP address: IPv6 in brackets. */
const NODE_HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)`;
const NODE = String.raw`${NODE_HOST}:\d{1,5}`;

/**
 * `REDIS_URL`: one server, `redis://` or `rediss://` (TLS), as ioredis reads it; or a Redis Cluster,
 * `redis+cluster://` or `rediss+cluster://` followed by optional credentials and a comma list of
 * some of its nodes (`host:port`; the client learns the others from them), without a database
 * (a cluster has only database 0).
 */
export const REDIS_URL_PATTERN = new RegExp(String.raw`^(?:rediss?://\S+|rediss?\+cluster://(?:[^\s@/,]*@)?${NODE}(?:,${NODE})*/?)$`);

export interface RedisClusterNode {
  host: string;
  port: number;
}

/** Where the services' Redis is, as `REDIS_URL` says. */
export type RedisTarget =
  | { cluster: false; url: string }
  | { cluster: true; nodes: RedisClusterNode[]; username?: string; password?: string; tls: boolean };

/** What `REDIS_URL` names (checked by `REDIS_URL_PATTERN` beforehand: throws on anything else). */
export function redisTargetOf(url: string): RedisTarget {
  if (!REDIS_URL_PATTERN.test(url)) throw new Error('REDIS_URL must be a redis:// or rediss:// URL, or redis+cluster://host:port,host:port/');
  const cluster = /^(rediss?)\+cluster:\/\/(?:([^@]*)@)?([^/]+)\/?$/.exec(url);
  if (!cluster) return { cluster: false, url };
  const [, scheme, credentials, nodes] = cluster;
  const colon = credentials?.indexOf(':') ?? -1;
  const username = credentials === undefined ? '' : decodeURIComponentSafely(colon < 0 ? credentials : credentials.slice(0, colon));
  const password = credentials === undefined || colon < 0 ? '' : decodeURIComponentSafely(credentials.slice(colon + 1));
  return {
    cluster: true,
    nodes: nodes.split(',').map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(at + 1)) };
    }),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: scheme === 'rediss',
  };
}
