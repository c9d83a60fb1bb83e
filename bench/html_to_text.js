// The page's HTML on stdin, html-to-text's rendering at its defaults on stdout
// (for bench/render_shapes.py; needs the npm package html-to-text).
const { convert } = require("html-to-text");
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  process.stdout.write(convert(Buffer.concat(chunks).toString("utf8")));
});
