import type { Attachment } from 'svelte/attachments';

/** How close to the bottom (px) counts as "at the bottom". */
const THRESHOLD = 48;

/**
 * Keeps a scroll container pinned to the bottom while its content grows, unless the user has
 * scrolled up to read. It runs once per element: a MutationObserver sees every change, so
 * nothing is torn down and set up again while an answer streams.
 */
export const stickToBottom: Attachment<HTMLElement> = (element) => {
  let pinned = true;
  const onScroll = () => {
    pinned = element.scrollHeight - element.scrollTop - element.clientHeight < THRESHOLD;
  };
  // A scroll that ends within the threshold settles at the very bottom: e.g. End pressed while
  // the messages below were still being measured (a windowed list grows as they mount).
  const onScrollEnd = () => {
    if (pinned) element.scrollTop = element.scrollHeight;
  };
  element.addEventListener('scroll', onScroll, { passive: true });
  element.addEventListener('scrollend', onScrollEnd);
  const observer = new MutationObserver(() => {
    if (pinned) element.scrollTop = element.scrollHeight;
  });
  observer.observe(element, { childList: true, subtree: true, characterData: true });
  element.scrollTop = element.scrollHeight;
  return () => {
    observer.disconnect();
    element.removeEventListener('scroll', onScroll);
    element.removeEventListener('scrollend', onScrollEnd);
  };
};
