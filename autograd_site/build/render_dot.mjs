// Graphviz DOT on stdin -> SVG on stdout, with @viz-js/viz (Graphviz compiled to WebAssembly, from
// the npm registry), so that building the site needs no system Graphviz.
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const viz = await instance();
process.stdout.write(viz.renderString(Buffer.concat(chunks).toString("utf8"), { format: "svg" }));
