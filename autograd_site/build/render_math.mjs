// TeX -> MathML Core at build time with Temml (from the npm registry): pages carry finished math,
// which the browser lays out itself, and load no math engine. Reads a JSON list of {tex, display}
// on stdin; writes a JSON list of {html} or {error} on stdout, one per input, in order.
import temml from "temml";

// throwOnError: malformed TeX is an error for the build, never red text on a page. strict: so is
// TeX that LaTeX itself rejects (a Unicode letter in math, a % that comments out the end).
// trust: false: no \includegraphics or other command that reaches outside the formula.
// annotate: false: no copy of the TeX inside the MathML, which readers never see.
// wrap: "none": an inline formula stays one unbreakable piece, as MathML lays it out.
const OPTIONS = { throwOnError: true, strict: true, trust: false, annotate: false, wrap: "none" };

// Browsers ignore mathvariant, so Temml writes a letter in a style (\mathbb{R}) as its Unicode
// mathematical letter (ℝ). A character it has no such letter for (\mathbf{\partial}) it leaves
// plain, without a word: that is an error here, so no style is lost unseen.
const UNSTYLED = new Set(["mathrm", "mathnormal", "up@greek"]); // fonts that change no letter

const plainText = (tex) => temml.renderToString(tex, OPTIONS).replace(/<[^>]*>/g, "");

// [font, character] for every character of the parse tree inside a letter style.
function* styledCharacters(node, font) {
  if (Array.isArray(node)) {
    for (const child of node) yield* styledCharacters(child, font);
    return;
  }
  if (node === null || typeof node !== "object") return;
  if (node.type === "font") font = UNSTYLED.has(node.font) ? null : node.font;
  if (font && node.mode === "math" && (node.type === "mathord" || node.type === "textord")) {
    yield [font, node.text];
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== "loc") yield* styledCharacters(value, font); // loc: the source position
  }
}

const lost = new Map();
function lostStyle(tex) {
  for (const [font, character] of styledCharacters(temml.__parse(tex, OPTIONS), null)) {
    const styled = `\\${font}{${character}}`;
    if (!lost.has(styled)) {
      lost.set(styled, plainText(styled) === plainText(character) ? plainText(character) : null);
    }
    if (lost.get(styled) !== null) {
      return `Temml writes \\${font}{${lost.get(styled)}} as a plain ${lost.get(styled)}: its style would be lost`;
    }
  }
  return null;
}

function render({ tex, display }) {
  try {
    const html = temml.renderToString(tex, { ...OPTIONS, displayMode: display });
    const error = lostStyle(tex);
    return error === null ? { html } : { error };
  } catch (error) {
    return { error: String(error.message || error).replace(/\s+/g, " ").trim() };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const formulas = JSON.parse(Buffer.concat(chunks).toString("utf8"));
process.stdout.write(JSON.stringify(formulas.map(render)));
