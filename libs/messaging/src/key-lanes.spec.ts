import { inKeyLanes } from './key-lanes';

interface Msg {
  key: string;
  offset: number;
}

const batch = (...keys: string[]): Msg[] => keys.map((key, offset) => ({ key, offset }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inKeyLanes', () => {
  it("keeps one key's messages in their order while other keys run between them", async () => {
    const log: string[] = [];
    const messages = batch('a', 'b', 'a', 'c', 'a', 'b');
    const outcome = await inKeyLanes(
      messages,
      (m) => m.key,
      async (m) => {
        log.push(`start ${m.key}${m.offset}`);
        await tick();
        log.push(`end ${m.key}${m.offset}`);
      },
      () => false,
    );
    expect(outcome).toEqual({ done: 6 });
    const ends = (key: string) => log.filter((line) => line.startsWith(`end ${key}`));
    expect(ends('a')).toEqual(['end a0', 'end a2', 'end a4']);
    expect(ends('b')).toEqual(['end b1', 'end b5']);
    // A key's next message begins only after its previous one ended.
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a0'));
    // Different keys overlap: b1 and c3 began before a0 ended.
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a0'));
    expect(log.indexOf('start c3')).toBeLessThan(log.indexOf('end a0'));
  });

  it('reports the handled prefix and the failure, after letting every other lane finish', async () => {
    const finished: number[] = [];
    const outcome = await inKeyLanes(
      batch('a', 'b', 'c', 'b', 'a'),
      (m) => m.key,
      async (m) => {
        await tick();
        if (m.offset === 1) throw new Error('no dead letter could be written');
        await tick();
        finished.push(m.offset);
      },
      () => false,
    );
    expect(outcome.done).toBe(1);
    expect((outcome.failure?.error as Error).message).toBe('no dead letter could be written');
    // b's lane stopped at its failed message (3 never ran); a and c ran to their end.
    expect(finished.sort()).toEqual([0, 2, 4]);
  });

  it('starts no message once told to stop, and counts only the unbroken prefix as done', async () => {
    let stop = false;
    const ran: number[] = [];
    const outcome = await inKeyLanes(
      batch('a', 'b', 'a', 'b'),
      (m) => m.key,
      async (m) => {
        ran.push(m.offset);
        if (m.offset === 1) stop = true;
        await tick();
      },
      () => stop,
    );
    expect(ran).toEqual([0, 1]);
    expect(outcome).toEqual({ done: 2 });
  });

  it("counts a lane's messages as handled only once its scope has made them durable", async () => {
    let lanes = 0;
    const outcome = await inKeyLanes(
      batch('a', 'a', 'b', 'a'),
      (m) => m.key,
      async () => void (await tick()),
      () => false,
      async (lane) => {
        // The lanes start in the order of their keys' first messages: a, then b.
        const which = lanes++;
        await lane();
        // b's deferred writes fail for good: its message does not count, a's do.
        if (which === 1) throw new Error('the lane could not be written');
      },
    );
    expect(outcome.done).toBe(2);
    expect((outcome.failure?.error as Error).message).toBe('the lane could not be written');
  });

  it('counts each message once when a scope runs its lane again (its writes as one failed: event by event)', async () => {
    const runs: number[] = [];
    const outcome = await inKeyLanes(
      batch('a', 'b', 'a', 'b'),
      (m) => m.key,
      async (m) => {
        runs.push(m.offset);
        await tick();
      },
      () => false,
      async (lane) => {
        await lane();
        await lane();
      },
    );
    expect(outcome).toEqual({ done: 4 });
    expect(runs.sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('lets a scope make durable what a lane did before its message threw, and still reports the failure', async () => {
    const scoped: string[] = [];
    const outcome = await inKeyLanes(
      batch('a', 'a', 'a'),
      (m) => m.key,
      async (m) => {
        if (m.offset === 1) throw new Error('no dead letter could be written');
      },
      () => false,
      async (lane) => {
        await lane();
        scoped.push('written');
      },
    );
    expect(scoped).toEqual(['written']);
    expect(outcome.done).toBe(1);
    expect((outcome.failure?.error as Error).message).toBe('no dead letter could be written');
  });

  it('does nothing with an empty batch', async () => {
    await expect(inKeyLanes([], () => '', () => Promise.reject(new Error('never')), () => false)).resolves.toEqual({ done: 0 });
  });
});
