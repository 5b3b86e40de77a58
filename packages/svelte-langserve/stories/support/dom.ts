/** DOM helpers shared by play functions and browser tests. */

/** The texts of the messages shown, by role, in order. */
export function messageTexts(root: ParentNode, role: 'user' | 'assistant'): string[] {
  return [...root.querySelectorAll(`[data-slot="message"][data-role="${role}"]`)].map(
    (message) => message.querySelector('[data-slot="message-text"]')?.textContent ?? '',
  );
}

/** The streaming cursor, if one is shown. */
export function streamingCursor(root: ParentNode): Element | null {
  return root.querySelector('[data-slot="message-cursor"]');
}

/** The nearest ThemeProvider element. */
export function themeElement(root: ParentNode): HTMLElement {
  const element = root.querySelector<HTMLElement>('[data-slot="theme-provider"]');
  if (!element) throw new Error('No ThemeProvider rendered.');
  return element;
}

/** A `--sl-*` variable as resolved on an element. */
export function tokenValue(element: Element, token: string): string {
  return getComputedStyle(element).getPropertyValue(`--sl-${token}`).trim();
}

/** A hex colour as the `rgb(r, g, b)` string computed styles report. */
export function rgb(hex: string): string {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return `rgb(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255})`;
}
