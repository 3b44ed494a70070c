import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './server/isolation-headers.js';

export default defineConfig({
  // relative asset URLs: the built site works from any sub-path of a static host
  base: './',
  plugins: [
    svelte(),
    // offline after the first visit: workbox writes dist/sw.js, which precaches every emitted
    // file (lazy chunks too) and answers navigations with the cached index.html. URLs are
    // relative to sw.js, so it works from any sub-path. src/sw-register.ts registers it.
    VitePWA({
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,woff2,wasm}'],
        // workbox silently leaves out files over 2 MiB by default; the engine chunk is 1.6 MB and offline needs every chunk
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        // control the first page at once, so it works offline without a second visit; an update
        // still waits until every tab of the old version is closed (its lazy chunks stay cached)
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  // @balena/dockerignore needs Node's path module; the browser gets the POSIX port
  resolve: { alias: { path: 'path-browserify' } },
  // cross-origin isolation for WebContainer, as the companion server sends it (docs/hosting.md)
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], exclude: ['tests/e2e/**', 'tests/server/**', 'tests/parity/**', 'server/**', '**/node_modules/**'] },
      },
      {
        // the companion server, against the real Docker engine and registry (.ci/run starts them): one file at a
        // time, and after the other projects (groupOrder), so nothing else uses the engine meanwhile (the
        // e2e real-mode test builds on it too) and the parity builds get the machine to themselves
        extends: true,
        test: { name: 'server', sequence: { groupOrder: 1 }, include: ['server/**/*.test.ts', 'tests/server/**/*.test.ts', 'tests/parity/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // browser tests: one build and one sub-path server for all files (global-setup.ts), files one at a time
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/e2e/global-setup.ts'], fileParallelism: false },
      },
    ],
  },
} as Parameters<typeof defineConfig>[0]);
