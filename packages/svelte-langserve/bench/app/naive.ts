/**
 * The naive baseline's renderer: marked over the whole text, then the library's sanitizer
 * (DOMPurify with the same options), with no reuse between calls.
 */
import { Marked } from 'marked';
import { createSanitizer } from 'svelte-langserve';

let render: ((text: string) => string) | undefined;

/** `sanitize(marked.parse(text))`; the parser and the sanitizer are made once per page. */
export function naiveRender(text: string): string {
  if (!render) {
    const marked = new Marked({ gfm: true, breaks: false, async: false });
    const sanitize = createSanitizer()!;
    render = (value) => sanitize(marked.parse(value) as string);
  }
  return render(text);
}
