// TeX -> MathML at build time with KaTeX (from the npm registry): pages carry finished math, which
// the browser lays out itself, and load no math engine. Reads a JSON list of {tex, display} on
// stdin; writes a JSON list of {html} or {error} on stdout, one per input, in order.
import katex from "katex";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const results = JSON.parse(Buffer.concat(chunks).toString("utf8")).map(({ tex, display }) => {
  try {
    const options = { displayMode: display, output: "mathml", throwOnError: true, strict: "error" };
    return { html: katex.renderToString(tex, options) };
  } catch (error) {
    return { error: String(error.message || error) };
  }
});
process.stdout.write(JSON.stringify(results));
