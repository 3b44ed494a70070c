import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // @balena/dockerignore needs Node's path module; the browser gets the POSIX port
  resolve: { alias: { path: 'path-browserify' } },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
  },
} as Parameters<typeof defineConfig>[0]);
