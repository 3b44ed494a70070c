/**
 * Text that fits: SVG text does not wrap or ellipsize, so labels are cut to the width
 * they get, measured with a canvas in the font they are drawn in. Browser-only.
 */
let ctx: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

/** Width in px of `text` in a CSS `font` (estimated when no canvas is available). */
export function textWidth(text: string, font: string): number {
  const key = font + '\0' + text;
  const hit = widths.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined) ctx = typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
  let w: number;
  if (ctx) {
    ctx.font = font;
    w = ctx.measureText(text).width;
  } else w = text.length * (parseFloat(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? '16') * 0.62);
  if (widths.size > 5000) widths.clear();
  widths.set(key, w);
  return w;
}

/** `text` cut with an ellipsis to fit `px` (at the end, or at the start with `keepEnd`). */
export function fitText(text: string, px: number, font: string, keepEnd = false): string {
  if (px <= 0) return '';
  if (textWidth(text, font) <= px) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const cut = keepEnd ? '…' + text.slice(text.length - mid) : text.slice(0, mid) + '…';
    if (textWidth(cut, font) <= px) lo = mid;
    else hi = mid - 1;
  }
  return keepEnd ? '…' + text.slice(text.length - lo) : text.slice(0, lo) + '…';
}

let families: { mono: string; sans: string } | undefined;

/** The monospace and sans font families the app uses, for measuring. */
export function fontFamilies(): { mono: string; sans: string } {
  if (families) return families;
  const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace';
  const sans = getComputedStyle(document.body).fontFamily || 'sans-serif';
  // the stylesheet's families do not change while the page is open
  families = { mono, sans };
  return families;
}
