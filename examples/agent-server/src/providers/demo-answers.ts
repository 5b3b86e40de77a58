/** FNV-1a, 32 bit: a small, stable hash so the same question always gets the same answer. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The part of the question the demo answer quotes: one line, no markdown, at most 80 chars. */
export function quoteQuestion(question: string): string {
  const line = question
    .replace(/[`*_#|>[\]<]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (line.length === 0) return 'your message';
  return line.length > 80 ? `${line.slice(0, 79).trimEnd()}…` : line;
}

const NOTE = '_This is the offline demo model: no language model was called._';

/** The canned answers. Each takes the quoted question. */
export const DEMO_ANSWERS: ReadonlyArray<(quote: string) => string> = [
  (quote) => `## About “${quote}”

Here is a short overview, streamed token by token:

- **Streaming**: every word you see arrived as its own chunk.
- **Coalescing**: the server batches chunks at most once per frame.
- **Cancelling**: press stop and the model call is aborted at once.

| Step | Where it happens |
| --- | --- |
| Tokens | the model |
| Events | the run manager |
| Rendering | the browser |

${NOTE}
`,
  (quote) => `### A code answer

You asked: **${quote}**. A tiny TypeScript example:

\`\`\`ts
import { io } from 'socket.io-client';

const socket = io('http://localhost:8000', { auth: { protocolVersion: 1 } });
socket.emit('agents:list', {}, (result) => console.log(result));
\`\`\`

1. Connect with the protocol version.
2. Send a request with an acknowledgement.
3. Read the typed result.

${NOTE}
`,
  (quote) => `# Comparison

Thinking about “${quote}”, here is how the options compare:

| Option | Speed | Notes |
| --- | ---: | --- |
| Demo model | instant | offline, deterministic |
| OpenAI | fast | needs \`OPENAI_API_KEY\` |
| Local server | varies | set \`OPENAI_BASE_URL\` |

**In short:** start with the demo, then point the server at a real model.

${NOTE}
`,
  (quote) => `## Step by step

> ${quote}

A plan in **three** parts:

1. **Understand** the question.
2. **Answer** it in small pieces:
   - one chunk at a time,
   - with markdown that renders while it streams.
3. **Stop** when asked.

\`\`\`bash
pnpm --filter agent-server dev
\`\`\`

${NOTE}
`,
  (quote) => `#### Quick answer

Short version for “${quote}”: it depends, but *usually* yes.

- Pros: **simple**, fast, testable
- Cons: canned — this answer was picked by a hash of your message

\`\`\`json
{ "provider": "demo", "model": "demo", "demo": true }
\`\`\`

| Key | Value |
| --- | --- |
| provider | demo |
| deterministic | yes |

${NOTE}
`,
];

/** The demo model's full answer to `question` (deterministic). */
export function composeDemoAnswer(question: string): string {
  const answer = DEMO_ANSWERS[hashText(question) % DEMO_ANSWERS.length] as (
    quote: string,
  ) => string;
  return answer(quoteQuestion(question));
}

/** Whether the question asks the demo model to reason first: it says "think" or "reason". */
export function asksToReason(question: string): boolean {
  return /\b(think|reason)\b/i.test(question);
}

/** The short reasoning the demo model streams before its answer when {@link asksToReason}. */
export function composeDemoReasoning(question: string): string {
  return `The user asks: “${quoteQuestion(question)}”. I am the offline demo model, so there is nothing to work out: I pick a canned answer by a hash of the question and stream it token by token.`;
}

/** Splits text into word-ish tokens (leading whitespace attached). Joining them gives the text. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}
