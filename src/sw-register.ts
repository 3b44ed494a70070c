/// <reference lib="dom" />
/// <reference types="vite/client" />
/**
 * Offline after the first visit: registers the service worker that the build writes
 * next to index.html (vite-plugin-pwa's workbox `generateSW`, configured in vite.config.ts).
 */

/** Registers `./sw.js` in production builds; the app works without it, so a failure only warns. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => {
    // relative to the page, so the scope is whatever sub-path the site is served from
    navigator.serviceWorker.register('./sw.js').catch((e: unknown) => console.warn('Layerlab: no offline support:', e));
  };
  // after `load`: precaching every chunk must not compete with the first page load
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
