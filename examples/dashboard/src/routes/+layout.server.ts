import { THEME_STORAGE_KEY, parseThemeCookie } from '$lib/theme-preference';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ cookies }) => ({
  theme: parseThemeCookie(cookies.get(THEME_STORAGE_KEY)),
});
