// Runs the browser's engine (the built site's search-engine.js) on a list of queries
// and prints its answers as JSON, for tests/search_agreement.rs to compare with Rust's.
//   node differential.js SEARCH_DIR QUERIES.json
// QUERIES.json: [{"q": "...", "prefix": false, "section": null}, ...]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [dir, queriesFile] = process.argv.slice(2);
// The engine as the site ships it (build.rs minifies the theme's scripts), beside search/.
const { Engine } = require(path.join(dir, '..', 'search-engine.js'));
const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

const engine = new Engine(async (p, binary) => {
  const bytes = fs.readFileSync(path.join(dir, p));
  return binary ? new Uint8Array(bytes) : bytes.toString('utf8');
});

// Scores travel as the hex of their IEEE bits: JSON parsers may round the last digit.
function bits(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
}

(async () => {
  const out = [];
  for (const q of queries) {
    try {
      const hits = await engine.search(q.q, { limit: 10, prefix: q.prefix, section: q.section });
      const exact = Array.from(hits, (h) => Object.assign({}, h, { score: bits(h.score) }));
      out.push({ hits: exact, absent: hits.absent, suggestion: hits.suggestion });
    } catch (e) {
      out.push({ error: String(e && e.message) });
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
