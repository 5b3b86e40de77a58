/** A tool call the demo model decides to make for a user message. */
export interface DemoToolCall {
  name: string;
  args: Record<string, unknown>;
}

const ARITHMETIC = /[-+*/^%().\d\s]*\d\s*[-+*/^%]\s*[-+*/^%().\d\s]*\d[-+*/^%().\d\s]*/;
const STATISTICS = /\b(mean|average|median|mode|statistics|stats|standard deviation)\b/i;
const DATETIME = /\b(time|date|today|clock)\b/i;
const SEARCH = /\b(search|find|look up)\b\s*(?:for\s+|the\s+docs\s+for\s+|docs\s+for\s+)?(.*)/i;
const TIME_ZONE = /\b(UTC|[A-Z][A-Za-z_]+\/[A-Za-z_/+-]+)\b/;

/**
 * The tool call the demo model makes for `text`, given the tools it has: statistics ("mean of
 * 1, 2, 3"), the date and time ("what time is it in Europe/Paris"), a document search ("search
 * for streaming"), or the calculator (arithmetic such as "12 * 7"). Null when none applies.
 */
export function pickDemoToolCall(text: string, tools: ReadonlySet<string>): DemoToolCall | null {
  if (tools.has('statistics') && STATISTICS.test(text)) {
    const values = (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
    if (values.length > 0) return { name: 'statistics', args: { values } };
  }
  if (tools.has('search_documents')) {
    const match = SEARCH.exec(text);
    const query = match?.[2]?.replace(/[?.!]+$/, '').trim();
    if (query) return { name: 'search_documents', args: { query } };
  }
  if (tools.has('current_datetime') && DATETIME.test(text)) {
    const zone = TIME_ZONE.exec(text)?.[1];
    return { name: 'current_datetime', args: zone ? { timeZone: zone } : {} };
  }
  if (tools.has('calculator')) {
    const expression = ARITHMETIC.exec(text)?.[0]?.trim();
    if (expression) return { name: 'calculator', args: { expression } };
  }
  return null;
}

/** The demo model's markdown answer once tool `name` returned `content` (or failed). */
export function composeToolAnswer(name: string, content: string, failed: boolean): string {
  const note = '_This is the offline demo model: the tool ran for real, the wording is canned._';
  if (failed)
    return `The \`${name}\` tool could not answer:\n\n> ${content.replace(/\s+/g, ' ').trim()}\n\n${note}\n`;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return `The \`${name}\` tool returned:\n\n\`\`\`\n${content}\n\`\`\`\n\n${note}\n`;
  }
  switch (name) {
    case 'calculator':
      return `**${String(data.expression)} = ${String(data.result)}**\n\nComputed with the \`calculator\` tool.\n\n${note}\n`;
    case 'statistics': {
      const rows = Object.entries(data)
        .map(([key, value]) => `| ${key} | ${String(value)} |`)
        .join('\n');
      return `Here are the statistics:\n\n| measure | value |\n| --- | ---: |\n${rows}\n\n${note}\n`;
    }
    case 'current_datetime':
      return `It is **${String(data.local)}** in ${String(data.timeZone)} (${String(data.iso)} UTC).\n\n${note}\n`;
    case 'search_documents': {
      const hits = Array.isArray(data.hits)
        ? (data.hits as Array<{ file: string; title: string; snippet: string }>)
        : [];
      if (hits.length === 0) return `No document matches “${String(data.query)}”.\n\n${note}\n`;
      const list = hits
        .map((hit) => `- **${hit.title}** (\`${hit.file}\`): ${hit.snippet}`)
        .join('\n');
      return `Found ${hits.length} document${hits.length === 1 ? '' : 's'} for “${String(data.query)}”:\n\n${list}\n\n${note}\n`;
    }
    default:
      return `The \`${name}\` tool returned:\n\n\`\`\`json\n${content}\n\`\`\`\n\n${note}\n`;
  }
}

/** Splits `text` into about `pieces` parts (for streaming tool arguments). */
export function splitIntoPieces(text: string, pieces = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let index = 0; index < text.length; index += size) out.push(text.slice(index, index + size));
  return out;
}
