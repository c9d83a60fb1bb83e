// The page's HTML on stdin, turndown's Markdown on stdout (for bench/render_shapes.py;
// needs the npm package turndown). Turndown is the HTML-to-Markdown converter behind many
// LLM-era scrapers; at its defaults it also prints the text of <script> and <style>, which
// every such pipeline removes first, as here.
const TurndownService = require("turndown");
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const td = new TurndownService();
  td.remove(["script", "style", "noscript"]);
  process.stdout.write(td.turndown(Buffer.concat(chunks).toString("utf8")) + "\n");
});
