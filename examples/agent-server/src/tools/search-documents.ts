import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { tool } from '@langchain/core/tools';
import { getWriter } from '@langchain/langgraph';
import MiniSearch from 'minisearch';
import { z } from 'zod';

/** One search hit. */
export interface DocumentHit {
  /** The file, relative to the documents folder, with `/` separators. */
  file: string;
  title: string;
  score: number;
  /** About 200 characters around the first match. */
  snippet: string;
}

interface IndexedDocument {
  id: string;
  file: string;
  title: string;
  text: string;
}

/** Most markdown files indexed from one folder. */
const MAX_FILES = 2000;
/** Largest file indexed, in bytes. */
const MAX_FILE_BYTES = 1_000_000;

async function markdownFiles(root: string, dir = root, found: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (found.length >= MAX_FILES) break;
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await markdownFiles(root, full, found);
    else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name)) found.push(full);
  }
  return found;
}

function titleOf(text: string, file: string): string {
  const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(text);
  return heading?.[1] ?? path.basename(file).replace(/\.(md|markdown)$/i, '');
}

function snippetOf(text: string, terms: string[], width = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const index = lower.indexOf(term.toLowerCase());
    if (index !== -1 && (at === -1 || index < at)) at = index;
  }
  const start = Math.max(0, (at === -1 ? 0 : at) - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}

/** A full-text index (MiniSearch) over the markdown files of one folder, built on first use. */
export class DocumentIndex {
  readonly dir: string;
  #index: Promise<{
    search: MiniSearch<IndexedDocument>;
    docs: Map<string, IndexedDocument>;
  }> | null = null;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /**
   * Searches the folder; throws an error safe to show when the folder cannot be read.
   * `progress` hears how far the first search's indexing has got (files read, of all).
   */
  async search(
    query: string,
    limit = 5,
    progress?: (done: number, total: number) => void,
  ): Promise<DocumentHit[]> {
    const { search, docs } = await this.#load(progress);
    return search
      .search(query, { prefix: true, fuzzy: 0.2, boost: { title: 2 } })
      .slice(0, limit)
      .map((result) => {
        const doc = docs.get(String(result.id)) as IndexedDocument;
        return {
          file: doc.file,
          title: doc.title,
          score: Number(result.score.toFixed(3)),
          snippet: snippetOf(doc.text, result.terms),
        };
      });
  }

  #load(progress?: (done: number, total: number) => void) {
    this.#index ??= this.#build(progress).catch((error: unknown) => {
      this.#index = null; // try again next time (the folder may appear)
      throw error;
    });
    return this.#index;
  }

  async #build(progress?: (done: number, total: number) => void) {
    let isDir: boolean;
    try {
      isDir = (await stat(this.dir)).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new Error('The documents folder is not available on this server.');
    const docs = new Map<string, IndexedDocument>();
    const files = await markdownFiles(this.dir);
    for (const [done, full] of files.entries()) {
      progress?.(done, files.length);
      if ((await stat(full)).size > MAX_FILE_BYTES) continue;
      const text = await readFile(full, 'utf8');
      const file = path.relative(this.dir, full).split(path.sep).join('/');
      docs.set(file, { id: file, file, title: titleOf(text, file), text });
    }
    const search = new MiniSearch<IndexedDocument>({
      fields: ['title', 'text'],
      storeFields: ['file', 'title'],
    });
    search.addAll([...docs.values()]);
    progress?.(files.length, files.length);
    return { search, docs };
  }
}

/** Builds the `search_documents` tool over the markdown files in `docsDir`. */
export function createSearchDocumentsTool(docsDir: string) {
  const index = new DocumentIndex(docsDir);
  return tool(
    async ({ query, limit }, config) => {
      // In a graph, what the tool is doing reaches the chat (`custom` stream mode): a status
      // line, and the indexing's progress the first time. Outside one there is no writer.
      const write = getWriter(config);
      write?.({ status: 'Searching documents…' });
      let shown = -1; // tenths shown, so a big folder sends about ten updates, not one per file
      try {
        const hits = await index.search(query, limit ?? 5, (done, total) => {
          const tenths = total === 0 ? 10 : Math.floor((done / total) * 10);
          if (tenths === shown) return;
          shown = tenths;
          write?.({
            id: 'index-documents',
            name: 'progress',
            progress: total === 0 ? 1 : done / total,
            label: `Indexing documents (${done} of ${total})`,
          });
        });
        return JSON.stringify({ query, hits });
      } finally {
        write?.({ status: '' });
      }
    },
    {
      name: 'search_documents',
      description:
        "Full-text search over the project's local markdown documents. Returns the best " +
        'matching files with their title and a snippet.',
      schema: z.object({
        query: z.string().min(1).max(200).describe('Words to search for.'),
        limit: z.number().int().min(1).max(10).optional().describe('How many hits (default 5).'),
      }),
    },
  );
}
