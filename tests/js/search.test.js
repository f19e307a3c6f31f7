// The browser's search engine (themes/pedoman/static/search-engine.js) checked against
// the terminal's answers. Run by `cargo test --test search_agreement`, which
// builds the bundled site and points PEDOMAN_SEARCH_DIR at its search/ folder;
// run alone (`node --test tests/js/`), the index-based checks are skipped.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const search = require(path.join(root, 'themes/pedoman/static/search-engine.js'));
const vectors = JSON.parse(fs.readFileSync(path.join(root, 'tests/data/search_vectors.json'), 'utf8'));
const dir = process.env.PEDOMAN_SEARCH_DIR;
const skipIndex = dir ? false : 'PEDOMAN_SEARCH_DIR not set (cargo test --test search_agreement sets it)';
if (!dir && process.env.PEDOMAN_REQUIRE_INDEX) throw new Error('PEDOMAN_SEARCH_DIR is required');

function engine() {
  return new search.Engine(async (p, binary) => {
    const bytes = fs.readFileSync(path.join(dir, p));
    return binary ? new Uint8Array(bytes) : bytes.toString('utf8');
  });
}

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

test('tokenizes like Rust', () => {
  for (const v of vectors.tokens) {
    const got = search.tokenize(v.text).map((t) => [t.surface, t.stem, t.stop, t.start, t.end]);
    assert.deepEqual(got, v.tokens, v.text);
  }
});

test('stems every word of the site like Rust', { skip: skipIndex }, () => {
  const wrong = [];
  let n = 0;
  for (const file of fs.readdirSync(path.join(dir, 'v'))) {
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

test('returns the same ranked results as `pedoman search`', { skip: skipIndex }, async () => {
  const e = engine();
  for (const v of vectors.queries) {
    const hits = await e.search(v.q, { limit: 10, prefix: v.prefix, section: v.section });
    const label = JSON.stringify(v.q) + (v.prefix ? ' (typing)' : '') + (v.section ? ' in ' + v.section : '');
    assert.deepEqual(hits.map((h) => h.url), v.hits.map((h) => h.url), label);
    hits.forEach((h, i) => {
      const want = v.hits[i];
      assert.equal(h.snippet, want.snippet, label + ' snippet ' + i);
      assert.deepEqual(h.marks, want.marks, label + ' marks ' + i);
      assert.equal(h.heading, want.heading, label + ' heading ' + i);
      assert.ok(Math.abs(h.score - want.score) <= 1e-9 * Math.max(1, want.score), label + ' score ' + i);
    });
  }
});

test('finds melayani and KKN as a reader expects', { skip: skipIndex }, async () => {
  const e = engine();
  const top = async (q) => (await e.search(q, { limit: 3 })).map((h) => h.url.split('#')[0]);
  assert.ok((await top('melayani')).includes('/berakhlak/berorientasi-pelayanan/'));
  assert.ok((await top('KKN')).includes('/revolusi-mental/fokus-pada-tugas/'));
  // Typing: the last word is a prefix.
  const typing = await e.search('melay', { limit: 3, prefix: true });
  assert.ok(typing.some((h) => h.url.startsWith('/berakhlak/berorientasi-pelayanan/')));
});

test('one edit apart', () => {
  assert.ok(search.oneEdit('pelayanan', 'pelayann'));
  assert.ok(search.oneEdit('kolusi', 'kolsui'));
  assert.ok(!search.oneEdit('kolusi', 'kolusi'));
  assert.ok(!search.oneEdit('kolusi', 'kulasi'));
});

test('snippets are data, never markup', { skip: skipIndex }, async () => {
  const hits = await engine().search('<img src=x onerror=alert(1)>', { limit: 10 });
  for (const h of hits) assert.ok(!/<img/i.test(h.title));
});
