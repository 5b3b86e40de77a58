import type { Attachment } from 'svelte/attachments';

/** How close to the bottom (px) counts as "at the bottom". */
const THRESHOLD = 48;

/**
 * Keeps a scroll container pinned to the bottom while content grows, unless the user has
 * scrolled up to read. `track` is read so the attachment re-runs when the content changes.
 */
export function stickToBottom(track: () => unknown): Attachment<HTMLElement> {
  let pinned = true;
  return (element) => {
    const onScroll = () => {
      pinned = element.scrollHeight - element.scrollTop - element.clientHeight < THRESHOLD;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    const observer = new MutationObserver(() => {
      if (pinned) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element, { childList: true, subtree: true, characterData: true });
    track();
    element.scrollTop = element.scrollHeight;
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
    };
  };
}
