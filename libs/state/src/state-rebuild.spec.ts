import { formatBuild, parseBuild, replayHorizon } from './state-rebuild';

describe('where a partition stands in a rebuild', () => {
  it('reads back what it wrote, horizon and all', () => {
    for (const build of [
      { generation: 'g1', status: 'built' as const },
      { generation: 'g1', status: 'building' as const, horizon: 42n },
      { generation: 'g2', status: 'replaying' as const, horizon: 0n },
    ]) {
      expect(parseBuild(formatBuild(build))).toEqual(build);
    }
  });

  it('takes nothing, or a value of no known shape, for never built', () => {
    expect(parseBuild(null)).toBeUndefined();
    expect(parseBuild('')).toBeUndefined();
    expect(parseBuild('g1|whatever')).toBeUndefined();
  });

  it('reads a half-done rebuild written without its horizon as one to start over from the beginning', () => {
    expect(parseBuild('g1|building')).toEqual({ generation: 'g1', status: 'building', horizon: 0n });
  });
});

describe('the replay horizon of a partition started over', () => {
  it('is the furthest of what was committed, what this instance had begun (a batch in hand), and an earlier rebuild’s horizon', () => {
    expect(replayHorizon(10n, 14n, undefined)).toBe(14n);
    expect(replayHorizon(10n, 0n, 30n)).toBe(30n);
    expect(replayHorizon(-1n, undefined, undefined)).toBe(0n);
  });
});
