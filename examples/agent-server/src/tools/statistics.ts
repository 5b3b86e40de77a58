import { tool } from '@langchain/core/tools';
import { max, mean, median, min, standardDeviation } from 'simple-statistics';
import { z } from 'zod';

/** The most numbers the statistics tool accepts in one call. */
export const MAX_STATISTICS_VALUES = 10_000;

/** Summary statistics of a list of numbers. */
export interface StatisticsSummary {
  count: number;
  mean: number;
  median: number;
  /** The most frequent value (the smallest of equally frequent ones). */
  mode: number;
  /** The population standard deviation. */
  standardDeviation: number;
  min: number;
  max: number;
}

const round = (value: number) => Number(value.toPrecision(12));

/** Mean, median, mode, standard deviation, min, max and count of `values` (at least one). */
export function summarize(values: number[]): StatisticsSummary {
  if (values.length === 0) throw new Error('Give at least one number.');
  if (values.some((value) => !Number.isFinite(value)))
    throw new Error('Every value must be a finite number.');
  // The mode: the most frequent value; ties go to the smallest.
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let mode = Number.NaN;
  let best = 0;
  for (const [value, count] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
    if (count > best) {
      best = count;
      mode = value;
    }
  }
  return {
    count: values.length,
    mean: round(mean(values)),
    median: round(median(values)),
    mode,
    standardDeviation: round(standardDeviation(values)),
    min: min(values),
    max: max(values),
  };
}

/** The `statistics` tool. */
export const statisticsTool = tool(({ values }) => JSON.stringify(summarize(values)), {
  name: 'statistics',
  description:
    'Summary statistics of a list of numbers: count, mean, median, mode, population standard ' +
    'deviation, min and max.',
  schema: z.object({
    values: z
      .array(z.number())
      .min(1)
      .max(MAX_STATISTICS_VALUES)
      .describe('The numbers to summarise.'),
  }),
});
