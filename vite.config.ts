import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // relative asset URLs: the built site works from any sub-path of a static host
  base: './',
  plugins: [svelte()],
  // @balena/dockerignore needs Node's path module; the browser gets the POSIX port
  resolve: { alias: { path: 'path-browserify' } },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], exclude: ['tests/e2e/**', '**/node_modules/**'] },
      },
      {
        // browser tests: one build and one sub-path server for all files (global-setup.ts), files one at a time
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/e2e/global-setup.ts'], fileParallelism: false },
      },
    ],
  },
} as Parameters<typeof defineConfig>[0]);
