/**
 * flowbite-svelte's `Button` look, as plain class strings for every button of the library's
 * parts (ADR 0019, ADR 0024).
 *
 * No part imports flowbite-svelte: its components import flowbite-svelte's whole barrel (every
 * component's theme and tailwind-variants). The strings are what `button({ color, size })`
 * from flowbite-svelte 1.33 returns, written out in full so Tailwind's `@source` scan finds
 * them in the library's `dist`; `tests/button-classes.test.ts` checks them against
 * flowbite-svelte. Disabled buttons use the `disabled:` variant rather than a class toggled
 * from script.
 */

const BASE =
  'text-center font-medium inline-flex items-center justify-center focus-within:ring-4 focus-within:outline-hidden rounded-lg disabled:cursor-not-allowed disabled:opacity-50';

/** Classes of a flowbite `Button` with `color="primary"` (the default) and `size="sm"`. */
export const PRIMARY_SM = `${BASE} text-white bg-primary-700 hover:bg-primary-800 dark:bg-primary-600 dark:hover:bg-primary-700 focus-within:ring-primary-300 dark:focus-within:ring-primary-800 px-4 py-2 text-sm`;

/** Classes of a flowbite `Button` with `color="red"` and `size="sm"`. */
export const RED_SM = `${BASE} text-white bg-red-700 hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-700 focus-within:ring-red-300 dark:focus-within:ring-red-900 px-4 py-2 text-sm`;

/** Classes of a flowbite `Button` with `color="red"` and `size="xs"`. */
export const RED_XS = `${BASE} text-white bg-red-700 hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-700 focus-within:ring-red-300 dark:focus-within:ring-red-900 px-3 py-2 text-xs`;

/** Classes of a flowbite `Button` with `color="alternative"` and `size="xs"`. */
export const ALTERNATIVE_XS = `${BASE} text-gray-900 bg-transparent border border-gray-200 dark:border-gray-600 hover:bg-gray-100 dark:bg-gray-800 dark:text-gray-400 hover:text-primary-700 focus-within:text-primary-700 dark:focus-within:text-white dark:hover:text-white dark:hover:bg-gray-700 focus-within:ring-gray-200 dark:focus-within:ring-gray-700 px-3 py-2 text-xs`;
