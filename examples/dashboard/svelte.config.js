import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  // `node build` serves the app; PORT, HOST and ORIGIN come from the environment at run time.
  kit: { adapter: adapter() },
};

export default config;
