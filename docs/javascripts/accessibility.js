// What keyboard and screen-reader users need beyond the theme's markup, added through the
// theme's documented hooks: extra_javascript, which runs after the theme's script, and
// document$, which emits once the theme has set up the page.

// The theme's search dialog has no accessible name (axe: aria-dialog-name).
document
  .querySelector('[data-md-component="search"][role="dialog"]')
  ?.setAttribute("aria-label", "Search")

// Formulas, code, tables and notebook cells wider than the screen scroll sideways; keyboard users
// reach them by a tab stop (axe: scrollable-region-focusable). The theme gives one to code only
// where there is a mouse, and to nothing else. Tables scroll in the wrapper the theme puts them in.
const SIDEWAYS = "div.arithmatex, pre > code, .md-typeset__scrollwrap, .highlight-ipynb"

document$.subscribe(() => {
  const boxes = [...document.querySelectorAll(SIDEWAYS)]
  const reach = () => {
    const wide = boxes.map(box => box.scrollWidth > box.clientWidth)  // every read before a write
    boxes.forEach((box, index) => {
      if (wide[index]) box.setAttribute("tabindex", "0")
      else box.removeAttribute("tabindex")
    })
  }
  // Created after the theme's own observer, so it has the last word when both react to a resize.
  const observer = new ResizeObserver(reach)
  boxes.forEach(box => observer.observe(box))
  document.fonts.ready.then(reach)  // the math font widens formulas without resizing their boxes
})
