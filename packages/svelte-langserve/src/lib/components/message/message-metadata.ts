import type { MessageMetadata } from '../../protocol/index.js';

/** One figure of `MessageParts.Metadata`: its key (a `data-key` hook), label and text. */
export interface MetadataItem {
  key: 'agent' | 'model' | 'ttft' | 'speed' | 'usage';
  label: string;
  value: string;
}

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/**
 * The figures a message's metadata holds, in reading order: agent, model, time to first token,
 * tokens per second and token usage. Absent figures are left out.
 */
export function metadataItems(
  metadata: MessageMetadata | undefined,
  agent?: string,
): MetadataItem[] {
  const items: MetadataItem[] = [];
  if (agent) items.push({ key: 'agent', label: 'Agent', value: agent });
  if (metadata?.model) {
    const model = metadata.provider ? `${metadata.provider} · ${metadata.model}` : metadata.model;
    items.push({ key: 'model', label: 'Model', value: model });
  }
  if (metadata?.timeToFirstTokenMs !== undefined) {
    const ms = metadata.timeToFirstTokenMs;
    const value = ms < 1000 ? `${Math.round(ms)} ms` : `${number.format(ms / 1000)} s`;
    items.push({ key: 'ttft', label: 'Time to first token', value });
  }
  if (metadata?.tokensPerSecond !== undefined)
    items.push({
      key: 'speed',
      label: 'Speed',
      value: `${number.format(metadata.tokensPerSecond)} tokens/s`,
    });
  if (metadata?.usage) {
    const { inputTokens, outputTokens } = metadata.usage;
    items.push({ key: 'usage', label: 'Tokens', value: `${inputTokens} in · ${outputTokens} out` });
  }
  return items;
}
