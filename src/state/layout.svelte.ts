/**
 * The app's layout: pane sizes, which panes are open, the tab shown on small
 * screens, theme and large type. It survives a reload (localStorage: the
 * layout belongs to this browser, not to the learner's saved world).
 */
export type Theme = 'system' | 'light' | 'dark';
export type MobileTab = 'lesson' | 'console' | 'editor' | 'visuals';

interface Saved {
  lessonWidth: number;
  visualWidth: number;
  consoleHeight: number;
  lessonOpen: boolean;
  theme: Theme;
  largeType: boolean;
  /** xterm's screen-reader mode (off by default: it costs rendering time). */
  screenReader: boolean;
  mobileTab: MobileTab;
}

const KEY = 'layerlab.layout.v1';
const DEFAULTS: Saved = { lessonWidth: 24, visualWidth: 30, consoleHeight: 55, lessonOpen: true, theme: 'system', largeType: false, screenReader: false, mobileTab: 'console' };

function load(): Saved {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? { ...DEFAULTS, ...(JSON.parse(raw) as Partial<Saved>) } : { ...DEFAULTS };
  } catch {
    return { ...DEFAULTS };
  }
}

export class Layout {
  lessonWidth = $state(DEFAULTS.lessonWidth);
  visualWidth = $state(DEFAULTS.visualWidth);
  consoleHeight = $state(DEFAULTS.consoleHeight);
  lessonOpen = $state(DEFAULTS.lessonOpen);
  theme = $state<Theme>(DEFAULTS.theme);
  largeType = $state(DEFAULTS.largeType);
  screenReader = $state(DEFAULTS.screenReader);
  mobileTab = $state<MobileTab>(DEFAULTS.mobileTab);

  constructor() {
    Object.assign(this, load());
  }

  /** Writes the layout to localStorage (quietly does nothing where storage is unavailable). */
  save(): void {
    const s: Saved = { lessonWidth: this.lessonWidth, visualWidth: this.visualWidth, consoleHeight: this.consoleHeight, lessonOpen: this.lessonOpen, theme: this.theme, largeType: this.largeType, screenReader: this.screenReader, mobileTab: this.mobileTab };
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
    } catch {
      // storage full or disabled: the layout simply is not remembered
    }
  }
}
