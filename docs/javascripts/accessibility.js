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

// A box whose content the browser skips off screen (content-visibility in extra.css) cannot be
// measured until it nears the screen; it keeps a tab stop meanwhile.
const skipped = box =>
  box.firstElementChild?.checkVisibility({ contentVisibilityAuto: true }) === false

// Where there is no mouse, the theme takes the tab stop off code whenever a block's size changes:
// it is put back where the block scrolls sideways.
const retabbed = new MutationObserver(records => reach(records.map(record => record.target)))

function reach(boxes) {
  // Every read before a write: a write between reads would make the browser lay out again.
  const wide = boxes.map(box => skipped(box) || box.scrollWidth > box.clientWidth)
  boxes.forEach((box, index) => {
    if (wide[index] && box.getAttribute("tabindex") !== "0") box.setAttribute("tabindex", "0")
    if (!wide[index] && box.hasAttribute("tabindex") && box !== document.activeElement)
      box.removeAttribute("tabindex")
  })
  // The writes above are this script's own: measuring their boxes again would lay the page out
  // again, for nothing.
  retabbed.takeRecords()
}

document$.subscribe(() => {
  // Sizes are read in a ResizeObserver's callback, once the browser has laid the page out, and
  // only for the boxes that changed: no layout of their own, and none of what the browser skips
  // off screen (content-visibility in extra.css). A formula's content changes size when the math
  // font arrives; a skipped table's, when it nears the screen and is laid out.
  const resized = new ResizeObserver(entries => {
    reach([...new Set(entries.map(entry => entry.target.closest(SIDEWAYS)))])
  })
  for (const box of document.querySelectorAll(SIDEWAYS)) {
    resized.observe(box)
    if (box.firstElementChild) resized.observe(box.firstElementChild)
    // A table grows inside the theme's wrapper without resizing it, when the math font arrives.
    const table = box.querySelector(":scope > .md-typeset__table > table")
    if (table) resized.observe(table)
    if (box.matches("pre > code")) retabbed.observe(box, { attributeFilter: ["tabindex"] })
  }
})
