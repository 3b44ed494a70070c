/// <reference lib="dom" />
/**
 * The views size their SVG in units of the text size, so Large type (and the projector)
 * scales the drawing with the words.
 */

/** The element's font size in px (16 before it is mounted); `_width` is only a dependency to re-measure on resize. */
export function fontUnit(el: Element | undefined, _width?: number): number {
  if (!el) return 16;
  const px = parseFloat(getComputedStyle(el).fontSize);
  return Number.isFinite(px) && px > 0 ? px : 16;
}
