/// <reference lib="dom" />
/**
 * Views with hundreds of rows draw only the part near what is on screen: this says which
 * part that is, in the drawing's own px, whenever an ancestor scrolls or the window resizes.
 */

/** A rectangle in an element's own px (0,0 is its top left corner). */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** What a view can show before it has been scrolled: its top left, `width` by `height`. */
export function firstScreen(width: number, height: number): Box {
  return { left: 0, top: 0, right: width, bottom: height };
}

/** `box` grown by `x` px left and right and `y` px above and below (so a short scroll shows no gap). */
export function grow(box: Box, x: number, y: number): Box {
  return { left: box.left - x, top: box.top - y, right: box.right + x, bottom: box.bottom + y };
}

/**
 * Calls `set` with the part of `el` inside the window and every clipping ancestor, after each
 * scroll of an ancestor or resize of the window (once a frame, when layout is done anyway).
 */
export function watchVisible(el: Element, set: (box: Box) => void): () => void {
  let frame = 0;
  const measure = () => {
    frame = 0;
    const r = el.getBoundingClientRect();
    let left = 0;
    let top = 0;
    let right = window.innerWidth;
    let bottom = window.innerHeight;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      left = Math.max(left, b.left);
      top = Math.max(top, b.top);
      right = Math.min(right, b.right);
      bottom = Math.min(bottom, b.bottom);
    }
    set({ left: left - r.left, top: top - r.top, right: right - r.left, bottom: bottom - r.top });
  };
  const schedule = (e: Event) => {
    // scroll events do not bubble: they are caught on the way down, from any scroller
    if (frame || (e.target instanceof Node && !e.target.contains(el))) return;
    frame = requestAnimationFrame(measure);
  };
  document.addEventListener('scroll', schedule, { capture: true, passive: true });
  window.addEventListener('resize', schedule, { passive: true });
  return () => {
    document.removeEventListener('scroll', schedule, { capture: true });
    window.removeEventListener('resize', schedule);
    if (frame) cancelAnimationFrame(frame);
  };
}
