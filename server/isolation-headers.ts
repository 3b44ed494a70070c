/**
 * The two headers that make the page cross-origin isolated (`crossOriginIsolated`), which
 * WebContainer needs for SharedArrayBuffer. Plain data with no imports, so vite.config.ts (dev and
 * preview servers) and the companion server (static.ts) send exactly the same values.
 * Static hosts: see docs/hosting.md.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const satisfies Record<string, string>;
