// Parse .tf files with @cdktf/hcl2json (HashiCorp's HCL parser built to WASM).
//
// Usage: node hcl2json_parse.js PACKAGE_DIR FILE...
//   PACKAGE_DIR  the installed @cdktf/hcl2json package (`scripts/tools path hcl2json`)
// Prints one scripts/conformance result line per file:
//   PASS hcl2json FILE <top-level blocks>
//   FAIL hcl2json FILE parse error      (parser message indented below)
// Exit status 0 when it ran (whatever the results), 1 when it crashed.
"use strict";

const fs = require("fs");

async function main() {
  const [pkg, ...files] = process.argv.slice(2);
  const { parse } = require(pkg);
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
      const json = await parse(file, text);
      // Summarise what parsed: block kind and how many, e.g. "resource:3 variable:2".
      const kinds = Object.keys(json || {}).map((k) => `${k}:${Object.keys(json[k] || {}).length}`);
      console.log(`PASS hcl2json ${file} ${kinds.join(" ") || "(no blocks)"}`);
    } catch (err) {
      const msg = String((err && err.message) || err).replace(/\s+/g, " ").trim();
      console.log(`FAIL hcl2json ${file} parse error`);
      console.log(`    ${msg}`);
    }
  }
}

main().catch((err) => {
  console.error(`hcl2json_parse: ${(err && err.stack) || err}`);
  process.exit(1);
});
