// Unit checks of the browser's engine (themes/pedoman/static/search-engine.js), run by
// `cargo test --test search_agreement`, which points PEDOMAN_SEARCH_DIR at the bundled
// site's search/ folder. Whole queries are compared with Rust by differential.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.join(__dirname, '..', '..');
const dir = process.env.PEDOMAN_SEARCH_DIR;
// The engine the site ships (minified by build.rs) when a built site is given, else the source.
const search = require(dir ? path.join(dir, '..', 'search-engine.js') : path.join(root, 'themes/pedoman/static/search-engine.js'));
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
  for (const file of fs.readdirSync(path.join(dir, 'v')).filter((f) => f !== 'index.txt.gz')) {
    for (const line of zlib.gunzipSync(fs.readFileSync(path.join(dir, 'v', file))).toString('utf8').split('\n')) {
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

// Inputs that reach every kind of deflate block: stored (random bytes, level 0), fixed codes
// (Z_FIXED), dynamic codes, long matches and runs, and more than one block.
function samples() {
  let seed = 7;
  const random = (n) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  const text = 'Pegawai ASN berorientasi pelayanan, akuntabel, kompeten, harmonis, loyal, adaptif, kolaboratif. ';
  const words = text.split(' ');
  const prose = Array.from({ length: 30000 }, (_, i) => words[(i * 7 + (i >> 3)) % words.length]).join(' ');
  return [
    new Uint8Array(0),
    Buffer.from('a'),
    Buffer.from(text),
    Buffer.from(prose),
    Buffer.alloc(200000, 0x61),
    random(70000),
    Buffer.concat([random(3000), Buffer.from(prose.slice(0, 50000)), random(500)]),
  ];
}

test('gunzip unpacks what zlib packs, every block kind', () => {
  const options = [
    { level: 0 }, { level: 1 }, { level: 6 }, { level: 9 },
    { strategy: zlib.constants.Z_FIXED }, { strategy: zlib.constants.Z_HUFFMAN_ONLY },
    { strategy: zlib.constants.Z_RLE }, { level: 9, memLevel: 1, windowBits: 9 },
  ];
  let n = 0;
  for (const input of samples()) {
    for (const o of options) {
      const packed = new Uint8Array(zlib.gzipSync(input, o));
      assert.deepEqual(Buffer.from(search.gunzip(packed)), Buffer.from(input), JSON.stringify(o));
      n++;
    }
  }
  assert.equal(n, 56);
});

test('gunzip refuses damage instead of returning wrong bytes or hanging', () => {
  const packed = new Uint8Array(zlib.gzipSync(Buffer.from(samples()[3]), { level: 6 }));
  const refused = (b) => assert.throws(() => search.gunzip(b), /damaged/);
  refused(packed.subarray(0, packed.length - 9)); // cut short
  refused(packed.subarray(0, 12));
  const huge = packed.slice();
  huge.set([0xff, 0xff, 0xff, 0x7f], huge.length - 4); // claims 2 GB
  refused(huge);
  const badType = packed.slice();
  badType[10] |= 0x06; // block type 3
  refused(badType);
  // Flipped bits anywhere: an error or, rarely, other bytes of the claimed size; never a hang.
  let errors = 0;
  for (let i = 10; i < packed.length - 8; i += 13) {
    const b = packed.slice();
    b[i] ^= 0x5a;
    try {
      const out = search.gunzip(b);
      assert.equal(out.length, samples()[3].length);
    } catch (e) {
      assert.match(e.message, /damaged/);
      errors++;
    }
  }
  assert.ok(errors > 0);
});

test('every stored index file unpacks as zlib unpacks it', { skip: skipIndex }, () => {
  let n = 0;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.gz')) {
        const bytes = fs.readFileSync(p);
        assert.deepEqual(Buffer.from(search.gunzip(new Uint8Array(bytes))), zlib.gunzipSync(bytes), p);
        n++;
      }
    }
  };
  walk(dir);
  assert.ok(n > 50, `only ${n} packed files`);
});
