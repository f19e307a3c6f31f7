// Unit checks of the browser's engine (themes/pedoman/static/search-engine.js), run by
// `cargo test --test search_agreement`, which points PEDOMAN_SEARCH_DIR at the bundled
// site's search/ folder. Whole queries are compared with Rust by differential.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const search = require(path.join(root, 'themes/pedoman/static/search-engine.js'));
const dir = process.env.PEDOMAN_SEARCH_DIR;
const skipIndex = dir ? false : 'PEDOMAN_SEARCH_DIR not set (cargo test --test search_agreement sets it)';

test('stems every hand-checked pair like Rust', () => {
  const lines = fs.readFileSync(path.join(root, 'tests/data/stem_pairs.tsv'), 'utf8').split('\n');
  const wrong = [];
  let n = 0;
  for (const line of lines) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [word, want] = line.split('\t');
    n++;
    const got = search.stem(word);
    if (got !== want) wrong.push(`${word}: want ${want}, got ${got}`);
  }
  assert.ok(n >= 300, `only ${n} pairs`);
  assert.deepEqual(wrong, []);
});

test('stems every word of the site like Rust', { skip: skipIndex }, () => {
  const wrong = [];
  let n = 0;
  for (const file of fs.readdirSync(path.join(dir, 'v')).filter((f) => f !== 'index.txt')) {
    for (const line of fs.readFileSync(path.join(dir, 'v', file), 'utf8').split('\n')) {
      if (!line) continue;
      const [word, stem = word] = line.split('\t');
      n++;
      const got = search.stem(word);
      if (got !== stem) wrong.push(`${word}: rust ${stem}, js ${got}`);
    }
  }
  assert.ok(n > 1000, `only ${n} words in the vocabulary`);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test('counts edits like strsim::osa_distance', () => {
  assert.equal(search.distance('pelayanan', 'pelyaanan'), 1);
  assert.equal(search.distance('kolaboratif', 'kolaboartif'), 1);
  assert.equal(search.distance('kepemimpinan', 'kepemipnan'), 2);
  assert.equal(search.distance('kolusi', 'kulasi'), 2);
  assert.equal(search.distance('ca', 'abc'), 3);
  assert.equal(search.distance('é🙂', '🙂é'), 1);
});

test('snippets are data, never markup', { skip: skipIndex }, async () => {
  const e = new search.Engine(async (p, binary) => {
    const bytes = fs.readFileSync(path.join(dir, p));
    return binary ? new Uint8Array(bytes) : bytes.toString('utf8');
  });
  const hits = await e.search('<img src=x onerror=alert(1)>', { limit: 10 });
  for (const h of hits) assert.ok(!/<img/i.test(h.title));
  assert.ok(Array.isArray(hits.absent));
});
