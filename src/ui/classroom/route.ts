/**
 * Which classroom page this tab is: the companion server's addresses carry the join code
 * (`#join=CODE`), the instructor's dashboard token (`#instructor=TOKEN`) or the token for the
 * instructor's own console that broadcasts (`#cast=TOKEN`) in the fragment, never sent over
 * the network. The fragment is removed from the address bar at once (screenshots, history);
 * the instructor's token stays in this tab's sessionStorage so a reload keeps the page.
 */
import { classroomUrl } from '../../classroom/link.js';

const TOKEN_KEY = 'layerlab.classroom.instructor';
const PAGE_KEY = 'layerlab.classroom.page';

/** What the address said about the classroom. */
export interface ClassroomRoute {
  /** The instructor's dashboard, with its token. */
  dashboard?: string;
  /** The app as the instructor's broadcasting console, with the dashboard token. */
  cast?: string;
  /** A join code to prefill. */
  join?: string;
}

/** Reads (and removes) the classroom part of the address; called once, before the app mounts. */
export function takeClassroomRoute(): ClassroomRoute {
  const m = /^#(instructor|cast|join)=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname + location.search);
    const [, kind, value] = m as unknown as [string, 'instructor' | 'cast' | 'join', string];
    if (kind === 'join') return { join: value };
    sessionStorage.setItem(TOKEN_KEY, value);
    sessionStorage.setItem(PAGE_KEY, kind === 'instructor' ? 'dashboard' : 'cast');
    return kind === 'instructor' ? { dashboard: value } : { cast: value };
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  const page = sessionStorage.getItem(PAGE_KEY);
  if (!token) return {};
  return page === 'dashboard' ? { dashboard: token } : page === 'cast' ? { cast: token } : {};
}

/** Forgets the instructor's token in this tab (a refused token, a class ended). */
export function forgetInstructor(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PAGE_KEY);
}

/** True when the companion server runs a classroom (it marks the page it serves). */
export function classroomOn(): boolean {
  return document.querySelector('meta[name="layerlab-classroom"]') !== null;
}

/** The classroom socket's address on this page's origin. */
export function socketUrl(): string {
  return classroomUrl(location);
}

/** The address that opens the app as the instructor's broadcasting console (a new tab). */
export function castPageUrl(token: string): string {
  return `${location.pathname}${location.search}#cast=${token}`;
}
