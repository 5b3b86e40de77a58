import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calculate, calculatorTool } from '../src/tools/calculator.js';
import { createCurrentDatetimeTool, describeDateTime } from '../src/tools/current-datetime.js';
import { createSearchDocumentsTool, DocumentIndex } from '../src/tools/search-documents.js';
import { statisticsTool, summarize } from '../src/tools/statistics.js';

const FIXTURE_DOCS = path.join(import.meta.dirname, 'fixtures/docs');

describe('calculator', () => {
  it('evaluates arithmetic', async () => {
    expect(calculate('2 + 3 * 4')).toBe('14');
    expect(calculate('2^10')).toBe('1024');
    expect(calculate('(12.5 * 4) / 3')).toBe('16.666666666667');
    expect(calculate('sqrt(16)')).toBe('4');
    expect(JSON.parse(await calculatorTool.invoke({ expression: ' 6*7 ' }))).toEqual({
      expression: '6*7',
      result: '42',
    });
  });

  it('refuses the functions the mathjs security guide disables', () => {
    for (const attack of [
      'import({ add: 1 }, { override: true })',
      'evaluate("1 + 1")',
      'createUnit("foo")',
      'parse("1 + 1")',
      'simplify("x + x")',
      'derivative("x^2", "x")',
      'compile("1 + 1")',
      'resolve(parse("x"), {})',
    ])
      expect(() => calculate(attack), attack).toThrow(/disabled/);
    // and the disabled functions stay disabled afterwards
    expect(() => calculate('import({ add: 1 })')).toThrow(/disabled/);
    expect(calculate('1 + 1')).toBe('2');
  });

  it('reports invalid or non-finite expressions as errors', async () => {
    expect(() => calculate('1/0')).toThrow(/finite/);
    expect(() => calculate('(1 + 2')).toThrow(/Cannot evaluate/);
    expect(() => calculate('')).toThrow(/empty/);
    expect(() => calculate('x + 1')).toThrow(/Undefined symbol/);
    expect(() => calculate('1+'.repeat(300) + '1')).toThrow(/longer than/);
    await expect(calculatorTool.invoke({ expression: '1/0' })).rejects.toThrow(/finite/);
  });
});

describe('statistics', () => {
  it('summarises a list of numbers', async () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({
      count: 8,
      mean: 5,
      median: 4.5,
      mode: 4,
      standardDeviation: 2,
      min: 2,
      max: 9,
    });
    expect(summarize([3])).toMatchObject({ count: 1, mean: 3, standardDeviation: 0, mode: 3 });
    expect(summarize([3, 1, 1, 3])).toMatchObject({ mode: 1 });
    expect(JSON.parse(await statisticsTool.invoke({ values: [1, 2, 3] }))).toMatchObject({
      mean: 2,
      median: 2,
    });
  });

  it('refuses an empty list', async () => {
    expect(() => summarize([])).toThrow(/at least one/);
    await expect(statisticsTool.invoke({ values: [] })).rejects.toThrow();
  });
});

describe('current_datetime', () => {
  const now = new Date('2026-01-15T12:34:56.000Z');

  it('reports now in UTC and a given IANA zone', async () => {
    expect(describeDateTime(now)).toMatchObject({
      iso: '2026-01-15T12:34:56.000Z',
      timeZone: 'UTC',
      local: '2026-01-15 12:34:56',
    });
    const tool = createCurrentDatetimeTool({ now: () => now });
    const paris = JSON.parse(await tool.invoke({ timeZone: 'Europe/Paris' }));
    expect(paris).toMatchObject({ timeZone: 'Europe/Paris', local: '2026-01-15 13:34:56' });
    expect(paris.formatted).toContain('January 15, 2026');
    const tokyo = JSON.parse(await tool.invoke({}));
    expect(tokyo.timeZone).toBe('UTC');
  });

  it('fails on an unknown time zone', async () => {
    expect(() => describeDateTime(now, 'Mars/Olympus_Mons')).toThrow(/Unknown time zone/);
    await expect(createCurrentDatetimeTool().invoke({ timeZone: 'Not/AZone' })).rejects.toThrow(
      /Unknown time zone/,
    );
  });
});

describe('search_documents', () => {
  it('finds markdown files by content and title, with a snippet', async () => {
    const index = new DocumentIndex(FIXTURE_DOCS);
    const hits = await index.search('coalesces deltas');
    expect(hits[0]).toMatchObject({ file: 'streaming.md', title: 'Streaming answers' });
    expect(hits[0]?.snippet).toContain('coalesces');
    const tool = createSearchDocumentsTool(FIXTURE_DOCS);
    const result = JSON.parse(await tool.invoke({ query: 'mathjs calculator' }));
    expect(result.hits[0]).toMatchObject({ file: 'guides/tools.md', title: 'Writing tools' });
    expect(JSON.parse(await tool.invoke({ query: 'zzzzqqq' })).hits).toEqual([]);
  });

  it("indexes the repository's docs/ folder by default", async () => {
    const { DEFAULT_DOCS_DIR } = await import('../src/config.js');
    const hits = await new DocumentIndex(DEFAULT_DOCS_DIR).search('protocol');
    expect(hits.length).toBeGreaterThan(0);
  });

  it('fails when the folder does not exist', async () => {
    const tool = createSearchDocumentsTool(path.join(FIXTURE_DOCS, 'missing'));
    await expect(tool.invoke({ query: 'x' })).rejects.toThrow(/not available/);
  });
});
