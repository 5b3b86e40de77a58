import { flushSync, untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { itemOffsets, visibleRange, type WindowRange } from './message-window-range.js';

/** Items rendered before the scroll container has a size (the newest ones). */
const INITIAL_ITEMS = 12;

/** Options for {@link MessageWindow}. */
export interface MessageWindowOptions {
  /** How many items the window covers (the list's items before its live tail). */
  count: () => number;
  /** A stable key for the item at an index; measured heights are remembered by key. */
  key: (index: number) => string;
  /** Items rendered beyond each edge of the viewport. @default 4 */
  overscan?: number;
  /** Height (px) assumed for an item before any item is measured. @default 96 */
  estimate?: number;
  /**
   * Who keeps the view still when content above it changes size: the browser's CSS scroll
   * anchoring (`native`), or this class (`manual`, for browsers without `overflow-anchor`, such
   * as Safari). @default 'native' where `overflow-anchor` is supported, else 'manual'
   */
  anchoring?: 'native' | 'manual';
}

/**
 * Windowed rendering for a scroll container of variable-height items: only the items near the
 * viewport are mounted, with spacers standing in for the rest.
 *
 * - Heights are measured with one ResizeObserver and remembered by key; items never measured
 *   count as the average measured height.
 * - When an item above the viewport turns out taller or shorter than assumed, what the reader
 *   sees stays put: the browser's scroll anchoring does it where it exists (it also leaves
 *   smooth keyboard and wheel scrolling alone); elsewhere this class moves the scroll position
 *   by the difference before the frame is painted (and sets `overflow-anchor: none`).
 * - Measurements are committed (offsets recomputed, items mounted or unmounted) on the next
 *   animation frame, never inside the ResizeObserver callback, which would trigger the
 *   browser's "ResizeObserver loop" error.
 *
 * Attach {@link attach} to the scroll container and {@link measure} to every rendered item.
 */
export class MessageWindow {
  readonly #count: () => number;
  readonly #key: (index: number) => string;
  readonly #overscan: number;
  /**
   * The last height seen of each item, by key. Deliberately not reactive: a measurement only
   * reaches the offsets when it is committed (see `#version`).
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #heights = new Map<string, number>();
  #heightSum = 0;
  /** Height of an item never measured; changes only when a measurement is committed. */
  #estimate: number;
  #version = $state(0);
  /** The viewport's top, in content coordinates. Infinity until the first scroll: the end. */
  #top = $state(Number.POSITIVE_INFINITY);
  #viewport = $state(0);
  #padding = 0;
  #element: HTMLElement | null = null;
  #observer: ResizeObserver | null = null;
  /** The mounted items' elements and keys (bookkeeping only, never rendered). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #mounted = new Map<Element, string>();
  /** {@link measure}'s attachments by key, while their item is mounted (bookkeeping only). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #attachments = new Map<string, Attachment<HTMLElement>>();
  #frame = 0;
  readonly #anchoring: 'native' | 'manual' | undefined;
  #manual = false;

  readonly #offsets = $derived.by(() => {
    void this.#version;
    const estimate = this.#estimate;
    return itemOffsets(this.#count(), (index) => this.#heights.get(this.#key(index)) ?? estimate);
  });

  readonly #indexes = $derived.by(() => {
    // A fresh map per derivation, never mutated afterwards.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const indexes = new Map<string, number>();
    const count = this.#count();
    for (let index = 0; index < count; index += 1) indexes.set(this.#key(index), index);
    return indexes;
  });

  /** The items to render now: `start` inclusive, `end` exclusive. */
  readonly range: WindowRange = $derived.by(() => {
    const offsets = this.#offsets;
    const count = offsets.length - 1;
    if (this.#viewport <= 0) return { start: Math.max(0, count - INITIAL_ITEMS), end: count };
    const total = offsets[count]!;
    const top = Math.min(this.#top, Math.max(0, total - this.#viewport));
    return visibleRange(offsets, top, this.#viewport, this.#overscan);
  });

  constructor(options: MessageWindowOptions) {
    this.#count = options.count;
    this.#key = options.key;
    this.#overscan = options.overscan ?? 4;
    this.#estimate = options.estimate ?? 96;
    this.#anchoring = options.anchoring;
  }

  /** The height (px) of the spacer standing in for the items before {@link range}. */
  get before(): number {
    return this.#offsets[this.range.start]!;
  }

  /** The height (px) of the spacer standing in for the items after {@link range}. */
  get after(): number {
    const offsets = this.#offsets;
    return offsets[offsets.length - 1]! - offsets[this.range.end]!;
  }

  /** The scroll container: follows its scroll position and size. */
  readonly attach: Attachment<HTMLElement> = (element) =>
    untrack(() => {
      this.#element = element;
      this.#manual =
        (this.#anchoring ?? (CSS.supports('overflow-anchor', 'auto') ? 'native' : 'manual')) ===
        'manual';
      if (this.#manual) element.style.overflowAnchor = 'none';
      const onScroll = () => {
        this.#top = element.scrollTop - this.#padding;
      };
      // Capped at the window's height: a container with no bounded height would otherwise
      // count as showing everything, and mount every item.
      const viewport = () => Math.min(element.clientHeight, window.innerHeight);
      const onResize = () => {
        this.#padding = Number.parseFloat(getComputedStyle(element).paddingBlockStart) || 0;
        this.#viewport = viewport();
        onScroll();
      };
      // Applied on the next frame: mounting items from inside the observer's callback could
      // resize the container again in the same frame (the "ResizeObserver loop" error).
      let resizeFrame = 0;
      const resize = new ResizeObserver(() => {
        cancelAnimationFrame(resizeFrame);
        resizeFrame = requestAnimationFrame(onResize);
      });
      resize.observe(element);
      // End jumps to the very end at once. The browser's own End scrolls smoothly to the end as
      // it was when the key was pressed, which falls short when the items mounting on the way
      // turn out taller than assumed.
      const onKeydown = (event: KeyboardEvent) => {
        if (event.target !== element || event.key !== 'End') return;
        if (event.altKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        element.scrollTop = element.scrollHeight;
      };
      element.addEventListener('scroll', onScroll, { passive: true });
      element.addEventListener('keydown', onKeydown);
      this.#viewport = viewport();
      return () => {
        resize.disconnect();
        cancelAnimationFrame(resizeFrame);
        element.removeEventListener('scroll', onScroll);
        element.removeEventListener('keydown', onKeydown);
        cancelAnimationFrame(this.#frame);
        this.#frame = 0;
        this.#observer?.disconnect();
        this.#observer = null;
        this.#mounted.clear();
        this.#element = null;
      };
    });

  /**
   * An attachment for the rendered item with this key: measures it while it is mounted. The same
   * function for the same key, so a row whose message changes (a streaming answer, every frame)
   * is not unobserved and observed again.
   */
  measure(key: string): Attachment<HTMLElement> {
    let attachment = this.#attachments.get(key);
    if (attachment) return attachment;
    attachment = (element) => {
      const observer = (this.#observer ??= new ResizeObserver((entries) =>
        this.#measured(entries),
      ));
      this.#mounted.set(element, key);
      observer.observe(element);
      return () => {
        observer.unobserve(element);
        this.#mounted.delete(element);
        this.#attachments.delete(key);
      };
    };
    this.#attachments.set(key, attachment);
    return attachment;
  }

  /**
   * Remembers where the first visible item is. Call it before items are added in front of the
   * list (older messages loaded), and call what it returns once they are rendered: the view
   * scrolls so that item is where it was, even when it is not mounted any more.
   */
  hold(): () => void {
    const element = this.#element;
    const anchor = element ? this.#firstVisible(element) : null;
    const key = anchor ? this.#mounted.get(anchor) : undefined;
    if (!element || !anchor || key === undefined) return () => {};
    const gap = anchor.getBoundingClientRect().top - element.getBoundingClientRect().top;
    const mountedWith = (wanted: string) => {
      for (const [item, itemKey] of this.#mounted)
        if (itemKey === wanted && item.isConnected) return item;
      return null;
    };
    return () => {
      if (this.#element !== element) return;
      let item = mountedWith(key);
      if (!item) {
        // Not mounted: scroll to where its offset says, then mount the window there.
        const index = this.#indexes.get(key);
        if (index === undefined) return;
        element.scrollTop = this.#offsets[index]! + this.#padding - gap;
        this.#top = element.scrollTop - this.#padding;
        flushSync();
        item = mountedWith(key);
        if (!item) return;
      }
      const shift = item.getBoundingClientRect().top - element.getBoundingClientRect().top - gap;
      if (Math.abs(shift) >= 0.5) element.scrollTop += shift;
      this.#top = element.scrollTop - this.#padding;
    };
  }

  /** Records new heights; keeps the view still when items above it changed size. */
  #measured(entries: ResizeObserverEntry[]): void {
    const element = this.#element;
    const offsets = this.#offsets;
    const indexes = this.#indexes;
    const top = element ? element.scrollTop - this.#padding : 0;
    let shift = 0;
    let changed = false;
    for (const entry of entries) {
      const key = this.#mounted.get(entry.target);
      if (key === undefined || !entry.target.isConnected) continue;
      const height =
        entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      const known = this.#heights.get(key);
      const previous = known ?? this.#estimate;
      if (known !== undefined && Math.abs(height - known) < 0.5) continue;
      this.#heights.set(key, height);
      this.#heightSum += height - (known ?? 0);
      changed = true;
      const index = indexes.get(key);
      // Entirely above the viewport: everything the reader sees moved by the difference.
      if (index !== undefined && offsets[index]! + previous <= top + 0.5) {
        shift += height - previous;
      }
    }
    if (this.#manual && element && Math.abs(shift) >= 0.5) element.scrollTop += shift;
    if (changed && !this.#frame) {
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        this.#commit();
      });
    }
  }

  /** Applies measurements to the offsets, keeping the first visible item where it is. */
  #commit(): void {
    const element = this.#manual ? this.#element : null;
    const anchor = element ? this.#firstVisible(element) : null;
    const before = anchor?.getBoundingClientRect().top ?? 0;
    if (this.#heights.size > 0) this.#estimate = Math.round(this.#heightSum / this.#heights.size);
    this.#version += 1;
    if (!element || !anchor) return;
    flushSync();
    if (!anchor.isConnected) return;
    const shift = anchor.getBoundingClientRect().top - before;
    if (Math.abs(shift) >= 0.5) element.scrollTop += shift;
  }

  /** The first mounted item whose bottom is below the container's top edge. */
  #firstVisible(element: HTMLElement): Element | null {
    const edge = element.getBoundingClientRect().top;
    let found: Element | null = null;
    let foundTop = Number.POSITIVE_INFINITY;
    for (const item of this.#mounted.keys()) {
      const rect = item.getBoundingClientRect();
      if (rect.bottom > edge && rect.top < foundTop) {
        found = item;
        foundTop = rect.top;
      }
    }
    return found;
  }
}
