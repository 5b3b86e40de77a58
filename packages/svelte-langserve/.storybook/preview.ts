import type { Preview } from '@storybook/sveltekit';
import { preloadMarkdown } from '../src/lib/markdown/engine.js';
import StoryTheme from '../stories/support/StoryTheme.svelte';
import '../stories/stories.css';
import { configure } from 'storybook/test';

// Some parts load as their own chunk on first use (ADR 0028); on a cold run the dev server
// transforms that chunk first, which can take more than testing-library's default second.
configure({ asyncUtilTimeout: 5_000 });

/** Story parameters this project reads. */
export interface ThemeParameters {
  /** Forces a theme mode for the story (the toolbar's choice otherwise). */
  themeMode?: 'light' | 'dark' | 'auto';
  /** `chat`: a fixed-height frame for a whole chat; `part`: a padded column; `none`: no decorator. */
  frame?: 'chat' | 'part' | 'none';
  /** The ThemeProvider's variant. @default 'default' */
  themeVariant?: 'default' | 'compact' | 'comfortable';
  /** The writing direction of the frame (`rtl` for Arabic, Hebrew…). @default 'ltr' */
  dir?: 'ltr' | 'rtl';
}

const preview: Preview = {
  // A Docs page per component: its description, every story, and its props.
  tags: ['autodocs'],
  globalTypes: {
    theme: {
      description: 'ThemeProvider mode',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: ['light', 'dark', 'auto'],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light' },
  // Stories show a warm page: the markdown engine (a lazy chunk, ADR 0019) is already loaded, so
  // a story's first frame shows rendered markdown rather than the moment before it arrives.
  loaders: [
    async () => {
      await preloadMarkdown();
      return {};
    },
  ],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    // Every story is audited with axe-core when it runs as a test; a violation fails it.
    a11y: { test: 'error' },
  },
  decorators: [
    (story, context) => {
      const parameters = context.parameters as ThemeParameters;
      if (parameters.frame === 'none') return story();
      return {
        Component: StoryTheme,
        props: {
          mode: parameters.themeMode ?? context.globals.theme ?? 'light',
          frame: parameters.frame ?? 'part',
          variant: parameters.themeVariant ?? 'default',
          dir: parameters.dir ?? 'ltr',
        },
      };
    },
  ],
};

export default preview;
