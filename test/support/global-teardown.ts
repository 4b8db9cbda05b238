import type { Infra } from './infra';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MP_INFRA__?: Infra }).__MP_INFRA__?.stop();
}
