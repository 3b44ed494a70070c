/**
 * The visual panel's views, in tab order. Each is a Svelte component loaded on first use
 * (d3 and the heavier views stay out of the initial bundle) that takes ViewProps.
 */
import type { Component } from 'svelte';
import type { WorldState } from '../../state/world.svelte.js';

export interface ViewProps {
  /** Events and snapshots to draw; read-only. */
  viz: WorldState;
  /** prefers-reduced-motion: draw the end state without animating. */
  reducedMotion: boolean;
  /** The panel's content width in px (the view's own width; it does not change with a scrollbar). */
  width: number;
  /** The panel's visible height in px (it scrolls: a view may draw only what is near the visible part). */
  height: number;
  /** The panel's font size in px: views size their drawing in units of the text. */
  unit: number;
}

export interface ViewSpec {
  id: string;
  /** Tab label. */
  label: string;
  /** One line for the tab's title and the panel's accessible description. */
  description: string;
  load: () => Promise<{ default: Component<ViewProps> }>;
}

export const VIEWS: readonly ViewSpec[] = [
  { id: 'layers', label: 'Layers', description: 'Each image as its layers, and what the last build took from the cache and why', load: () => import('./layers/View.svelte') },
  { id: 'context', label: 'Context', description: 'What docker build sends: files in, files .dockerignore drops, and what each COPY reads', load: () => import('./context/View.svelte') },
  { id: 'stages', label: 'Stages', description: 'Multi-stage builds: the stage graph, what was built or skipped, and what reaches the final image', load: () => import('./stages/View.svelte') },
  { id: 'registry', label: 'Registry', description: 'Local images and registries side by side, and every layer a push or pull moved or reused', load: () => import('./registry/View.svelte') },
  { id: 'containers', label: 'Containers', description: 'Images as templates, containers with their own writable layer, volumes outside', load: () => import('./containers/View.svelte') },
  { id: 'lifecycle', label: 'Lifecycle', description: 'From Dockerfile to image to registry to running container, and where your objects are now', load: () => import('./lifecycle/View.svelte') },
  { id: 'isolation', label: 'Container vs VM', description: 'What a VM virtualizes and what a container shares: namespaces, cgroups and one kernel', load: () => import('./isolation/View.svelte') },
  { id: 'bases', label: 'Base images', description: 'The same app on different base images, by size', load: () => import('./bases/View.svelte') },
];
