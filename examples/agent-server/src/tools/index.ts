import type { StructuredToolInterface } from '@langchain/core/tools';
import { calculatorTool } from './calculator.js';
import { createCurrentDatetimeTool } from './current-datetime.js';
import { createSearchDocumentsTool } from './search-documents.js';
import { statisticsTool } from './statistics.js';

/** The name of every built-in tool. */
export type ToolName = 'calculator' | 'statistics' | 'current_datetime' | 'search_documents';

/** What building the tools needs. */
export interface ToolOptions {
  /** The folder `search_documents` indexes. */
  docsDir: string;
  /** The clock `current_datetime` reads (tests pin it). */
  now?: () => Date;
}

/** Builds every built-in tool, by name. */
export function createTools(options: ToolOptions): Record<ToolName, StructuredToolInterface> {
  return {
    calculator: calculatorTool,
    statistics: statisticsTool,
    current_datetime: createCurrentDatetimeTool(options.now ? { now: options.now } : {}),
    search_documents: createSearchDocumentsTool(options.docsDir),
  };
}
