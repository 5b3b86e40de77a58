import type { Attachment } from 'svelte/attachments';

/** How close to the bottom (px) counts as "at the bottom". */
const THRESHOLD = 48;

/**
 * Keeps a scroll container pinned to the bottom while its content grows, unless the user has
 * scrolled up to read. The content is the element's child elements (text directly inside it is
 * not followed).
 *
 * It follows sizes, not DOM changes: a ResizeObserver watches the container and each child
 * element, and its callback runs after the browser has laid out the frame and before it paints,
 * so the bottom is read once per frame from a layout that is already done, and the new content
 * is painted already scrolled. (Reading `scrollHeight` right after every DOM change forced a
 * style and layout pass inside script on every update of a streaming answer.) A MutationObserver
 * on the element's own children only (no subtree, no text) adds and drops children to watch;
 * it reads nothing. It runs once per element: nothing is set up again while an answer streams.
 */
export const stickToBottom: Attachment<HTMLElement> = (element) => {
  let pinned = true;
  /** The scroll position and content height as of the last look (a scroll event, a follow). */
  let seenTop = 0;
  let seenHeight = 0;
  const bottom = () => {
    element.scrollTop = element.scrollHeight;
    seenTop = element.scrollTop;
    seenHeight = element.scrollHeight;
  };
  const onScroll = () => {
    const top = element.scrollTop;
    const moved = top < seenTop - 1;
    seenTop = top;
    seenHeight = element.scrollHeight;
    // A scroll event fires a frame after its scroll. Content that grew in between (text that
    // lands from a timer, an image, a highlighted block) must not make our own scroll to the
    // bottom look like a reader who left it: only a move up can unpin.
    if (pinned && !moved) return;
    pinned = seenHeight - seenTop - element.clientHeight < THRESHOLD;
  };
  // A scroll that ends within the threshold settles at the very bottom: e.g. End pressed while
  // the messages below were still being measured (a windowed list grows as they mount).
  const onScrollEnd = () => {
    if (pinned) bottom();
  };
  element.addEventListener('scroll', onScroll, { passive: true });
  element.addEventListener('scrollend', onScrollEnd);
  const sizes = new ResizeObserver(() => {
    if (!pinned) return;
    // The scroll position may have moved since the last look with its scroll event still to
    // come (it fires with the next frame): the list's own moves (scroll anchoring when items
    // above are measured, clamping when content shrinks) go with a change of the content's
    // height; a move up by more than a screen beyond that is a reader (or a script) leaving
    // the bottom, who is left there.
    const top = element.scrollTop;
    const height = element.scrollHeight;
    const moved = seenTop - top - Math.max(0, seenHeight - height);
    if (moved > element.clientHeight) {
      pinned = false;
      seenTop = top;
      seenHeight = height;
    } else bottom();
  });
  sizes.observe(element);
  for (const child of element.children) sizes.observe(child);
  const children = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) sizes.observe(node);
      for (const node of record.removedNodes) if (node instanceof Element) sizes.unobserve(node);
    }
  });
  children.observe(element, { childList: true });
  bottom();
  return () => {
    children.disconnect();
    sizes.disconnect();
    element.removeEventListener('scroll', onScroll);
    element.removeEventListener('scrollend', onScrollEnd);
  };
};
