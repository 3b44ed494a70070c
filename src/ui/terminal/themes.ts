// Console colours for the page's light and dark themes.
import type { ITheme } from '@xterm/xterm';

/** The page themes the console follows. */
export type ConsoleTheme = 'light' | 'dark';

const dark: ITheme = {
  background: '#1b1d23',
  foreground: '#e6e6e6',
  cursor: '#f0f0f0',
  selectionBackground: '#3e4451',
};

const light: ITheme = {
  background: '#fbfbfc',
  foreground: '#1f2328',
  cursor: '#1f2328',
  selectionBackground: '#c8d7f0',
  // xterm's default yellow and white are unreadable on a light background.
  yellow: '#8a6a00',
  brightYellow: '#9a7b00',
  white: '#5f6368',
  brightWhite: '#3c4043',
};

/** The xterm colour theme for a page theme. */
export function themeFor(theme: ConsoleTheme): ITheme {
  return theme === 'light' ? light : dark;
}
