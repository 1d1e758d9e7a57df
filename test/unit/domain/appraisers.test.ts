import { describe, expect, it } from 'vitest';
import {
  addAppraiserStatsInto,
  appraiserOptionsSchema,
  appraiserPerformance,
  tallyAppraisal,
  wilsonLowerBound,
  type AppraiserPerformance,
  type AppraiserStats,
} from '../../../src/domain/appraisers.ts';

/** Stats for appraisers given as id -> list of [inflationPct | undefined, flagged]. */
function statsOf(appraisals: Record<string, Array<[number | undefined, boolean]>>): AppraiserStats {
  const stats: AppraiserStats = {};
  for (const [appraiserId, list] of Object.entries(appraisals))
    list.forEach(([inflationPct, flagged], i) =>
      tallyAppraisal(stats, { appraisalId: `${appraiserId}-${i}`, appraiserId, inflationPct, flagged }),
    );
  return stats;
}

const repeat = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => item);
const byId = (rows: AppraiserPerformance[], id: string) => rows.find((r) => r.appraiserId === id);

describe('appraiser stats', () => {
  it('tally counts appraisals, flags and inflation in basis points', () => {
    const stats = statsOf({
      X: [
        [0.125, true],
        [undefined, false],
        [-0.05, false],
      ],
    });
    expect(stats).toStrictEqual({ X: [3, 1, 2, 750] });
  });

  it('adding adds per appraiser, keeps appraisers seen on one side, and leaves the source alone', () => {
    const target: AppraiserStats = { X: [1, 0, 1, 100], Y: [2, 1, 0, 0] };
    const source: AppraiserStats = { X: [2, 2, 2, -300], Z: [1, 1, 1, 50] };
    addAppraiserStatsInto(target, source);
    expect(target).toStrictEqual({ X: [3, 2, 3, -200], Y: [2, 1, 0, 0], Z: [1, 1, 1, 50] });
    expect(target.Z).not.toBe(source.Z); // later additions into target cannot reach source
  });
});

describe('appraiserPerformance', () => {
  it('has the documented defaults', () => {
    expect(appraiserOptionsSchema.parse({})).toEqual({
      minAppraisals: 3,
      meanInflationPct: 0.1,
      flagRate: 0.3,
      peerStdDevs: 2,
      peerMinAppraisers: 5,
      peerMinExcessPct: 0.05,
    });
  });

  it('reports mean inflation, flag rate and judged status', () => {
    const [row] = appraiserPerformance(
      statsOf({
        X: [
          [0.02, true],
          [0.04, false],
          [undefined, false],
          [0.06, false],
        ],
      }),
    );
    expect(row).toEqual({
      appraiserId: 'X',
      appraisals: 4,
      flagged: 1,
      comparedAppraisals: 3,
      meanInflationPct: 0.04,
      flagRate: 0.25,
      judged: true,
      outlier: false,
      reasons: [],
    });
  });

  it('does not judge an appraiser below minAppraisals, however extreme', () => {
    const [row] = appraiserPerformance(
      statsOf({
        X: [
          [0.9, true],
          [0.9, true],
        ],
      }),
    );
    expect(row).toMatchObject({ judged: false, outlier: false, reasons: [] });
    const [judged] = appraiserPerformance(
      statsOf({
        X: [
          [0.9, true],
          [0.9, true],
        ],
      }),
      { minAppraisals: 2 },
    );
    expect(judged?.reasons).toEqual(['HIGH_MEAN_INFLATION', 'HIGH_FLAG_RATE']);
  });

  it('mean inflation exactly at the threshold passes; one basis point above is an outlier', () => {
    const rows = appraiserPerformance(
      statsOf({
        AT: repeat(3, [0.1, false]),
        ABOVE: [
          [0.1, false],
          [0.1, false],
          [0.1003, false],
        ],
      }),
    );
    expect(byId(rows, 'AT')).toMatchObject({ meanInflationPct: 0.1, outlier: false });
    expect(byId(rows, 'ABOVE')).toMatchObject({ outlier: true, reasons: ['HIGH_MEAN_INFLATION'] });
  });

  it('judges the flag rate by its 95% Wilson lower bound, so a few flags in a few appraisals prove nothing', () => {
    expect(wilsonLowerBound(3, 10)).toBeCloseTo(0.1078, 4);
    expect(wilsonLowerBound(0, 0)).toBe(0);
    const flags = (flagged: number, of: number) => [
      ...repeat<[number, boolean]>(flagged, [0, true]),
      ...repeat<[number, boolean]>(of - flagged, [0, false]),
    ];
    const rows = appraiserPerformance(statsOf({ FEW: flags(4, 10), MANY: flags(30, 50) }));
    expect(byId(rows, 'FEW')).toMatchObject({ flagRate: 0.4, outlier: false });
    expect(byId(rows, 'MANY')).toMatchObject({ flagRate: 0.6, outlier: true, reasons: ['HIGH_FLAG_RATE'] });
  });

  it('judges mean inflation only on minAppraisals comparisons with an AVM value', () => {
    const [row] = appraiserPerformance(
      statsOf({
        X: [
          [0.5, false],
          [0.5, false],
          [undefined, false],
          [undefined, false],
        ],
      }),
    );
    expect(row).toMatchObject({ judged: true, comparedAppraisals: 2, meanInflationPct: 0.5, outlier: false });
  });

  describe('peer rule (leave-one-out mean + 2 standard deviations)', () => {
    // Five peers with means 0, 2%, 0, 2%, 1%: mean 1%, population standard deviation 0.894%.
    const peers = {
      P1: repeat(3, [0, false]),
      P2: repeat(3, [0.02, false]),
      P3: repeat(3, [0, false]),
      P4: repeat(3, [0.02, false]),
      P5: repeat(3, [0.01, false]),
    } as Record<string, Array<[number, boolean]>>;

    it('flags an appraiser well above its peers even under the absolute threshold', () => {
      const rows = appraiserPerformance(statsOf({ ...peers, T: repeat(3, [0.07, false]) }));
      expect(byId(rows, 'T')).toMatchObject({ outlier: true, reasons: ['INFLATION_ABOVE_PEERS'] });
      expect(rows.filter((r) => r.outlier).map((r) => r.appraiserId)).toEqual(['T']);
    });

    it('needs the minimum excess over the peers: 1% + 2 sd is 2.8%, but 5% is under 1% + 5%', () => {
      const rows = appraiserPerformance(statsOf({ ...peers, T: repeat(3, [0.05, false]) }));
      expect(byId(rows, 'T')?.outlier).toBe(false);
      const loose = appraiserPerformance(statsOf({ ...peers, T: repeat(3, [0.05, false]) }), {
        peerMinExcessPct: 0.03,
      });
      expect(byId(loose, 'T')?.reasons).toEqual(['INFLATION_ABOVE_PEERS']);
    });

    it('needs more than two standard deviations: with wide peers a 7% appraiser is not an outlier', () => {
      const wide = {
        P1: repeat(3, [-0.05, false]),
        P2: repeat(3, [0.05, false]),
        P3: repeat(3, [-0.05, false]),
        P4: repeat(3, [0.05, false]),
        P5: repeat(3, [0, false]),
      } as Record<string, Array<[number, boolean]>>;
      // Peers' mean 0, standard deviation 4.47%: the bar is 8.9%.
      const rows = appraiserPerformance(statsOf({ ...wide, T: repeat(3, [0.07, false]) }));
      expect(byId(rows, 'T')?.outlier).toBe(false);
    });

    it('is off with fewer than peerMinAppraisers judged peers, and ignores unjudged ones', () => {
      const { P5: _dropped, ...four } = peers;
      const rows = appraiserPerformance(statsOf({ ...four, SMALL: [[0, false]], T: repeat(3, [0.09, false]) }));
      expect(byId(rows, 'T')?.outlier).toBe(false);
    });
  });

  it('sorts worst first: outliers, then mean inflation (unknown last), flag rate, id', () => {
    const rows = appraiserPerformance(
      statsOf({
        LOW: repeat(3, [0.01, false]),
        NONE_B: repeat(3, [undefined, false]),
        NONE_A: repeat(3, [undefined, true]),
        HIGH: repeat(3, [0.08, false]),
        OUT: repeat(3, [0.2, false]),
        FLAGS: repeat(3, [0, true]),
      }),
    );
    expect(rows.map((r) => r.appraiserId)).toEqual(['OUT', 'FLAGS', 'NONE_A', 'HIGH', 'LOW', 'NONE_B']);
  });
});
