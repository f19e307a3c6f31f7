/* Pedoman search engine: a port of src/search/{tokenize,stem,query}.rs, step for
 * step, so the browser ranks exactly like `pedoman search`. Pure: no DOM. The UI
 * (search.js) uses it as `PedomanSearchEngine`; Node's tests `require` it. */
(function () {
  'use strict';

  // BEGIN LISTS (generated from src/search/lists.rs; do not edit by hand)
  var STOPWORDS = "ada adalah adanya agak agar akan akankah akhirnya aku akulah amat amatlah anda andalah antar antara antaranya apa apaan apabila apakah apalagi apatah atau ataukah ataupun bagai bagaikan bagaimana bagaimanakah bagaimanapun bagi bahkan bahwa bahwasanya banyak beberapa begini begitu begitupun belum belumlah berapa berbagai bersama betapa biasanya bila bilamana bisa boleh bukan bukankah bukanlah dahulu dalam dan dapat dari daripada dekat demi demikian dengan di dia dialah diri dirinya dong dulu enggak entah guna hal hampir hanya hanyalah harus haruslah hingga ia ialah ini inilah itu itulah jadi jangan janganlah jika jikalau juga justru kah kalau kalaupun kalian kami kamilah kamu kamulah kan kapan karena karenanya kata ke kecuali kemudian kenapa kepada kepadanya ketika kini kita kitalah lagi lah lain lainnya lalu lebih maka makin malah mampu mana manakala manalagi masih masing masing-masing mau maupun melainkan melalui memang mengapa menjadi menurut mereka merekalah meski meskipun misalnya mungkin nah namun nanti nya oleh olehnya pada padahal padanya para pasti per pernah pula pun punya saat saja sama sambil sampai sana sangat saya sayalah se sebab sebagai sebagaimana sebaliknya sebelum sebelumnya sebenarnya seberapa sebetulnya sebuah secara sedang sedangkan sedikit segala segera sehingga sejak sekali sekalipun sekarang selagi selain selaku selalu selama seluruh semua semuanya sendiri seolah seorang sepanjang seperti sepertinya serta sesuatu sesudah setelah setiap siapa siapakah sini situ suatu sudah sudahlah supaya tadi tak tanpa tapi telah tentang tentu tentunya terhadap terlalu tersebut tetapi tiap tidak tidaklah toh ujar untuk walau walaupun ya yaitu yakni yang";
  var KEEP = "adalah akibat anggota bahasa bahwa bangsa belanja bentuk berani berat beras berita bersih bisa bupati delapan demikian digital digitalisasi diagram dialog dimensi dinamika dinamis dinas diploma diplomasi direktorat direktur disabilitas disiplin diskusi diskriminasi disrupsi distribusi divisi halaman istilah karyawan keluarga kelompok kemudian kepala kereta menteri mandiri masalah masyarakat negeri pedoman pegawai peduli pelangi peluang pemerintah pemilu pengaruh percaya perempuan perintah perilaku periksa perangkat perlu persen persepsi personel persentase perspektif pertama pesan pesawat pribadi relawan sejahtera sejarah sekolah sekretariat selamat selesai seleksi semangat sembilan semua sederhana segera sepakat sendiri setuju teman terampil terapi terima tetapi wartawan ketua keluar kelola keliling peran materi memori harmoni tirani pensiun penjara performance beri beranda sedia setia kenal keliru kelamin kerabat kecuali pelopor pemangku beritahu peramban periode sesuai teladan terap terbit terang terminal sementara semester sengaja senior senioritas seremoni seremonial serius selisih sekaligus kerja kembali";
  var M_ROOTS = "maaf madai mahal main maju makan maki makmur maklum makna maksud malu mampu manfaat mantap marah masak masuk masyarakat mati menang merdeka minat minta minum milik mimpi miskin mohon muat mudah mula mulai muncul mundur mungkin muda murah musnah";
  var N_ROOTS = "naik nama nanti nasihat negara nikah nikmat nilai nobat nomor nonaktif normal netral";
  var NY_ROOTS = "nyala nyaman nyanyi nyata nyawa";
  var K_ROOTS = "kabar kaji kait kalah kampanye karang kategori kawal kikis kira kirim kisah kuasa kuat kukuh kumpul kunci kunjung kupas kuras kurang kurung kutip korban";
  var E_ROOTS = "edit eja ejek erti";
  var R_ROOTS = "ragam rajin rancang rangka rangkai rantai rasa rawat rekat rencana risiko ringan rugi rumah rumus runding rundung rupa ruang";
  var AI_ROOTS = "biaya cinta dana harga kena kepala ketua kuasa makna minta nama percaya punya rasa serta suka tanda tanya warna";
  var SI_ROOTS = "atas awas balas batas habis kemas landas lapis tangis tugas waris";
  var K_FINAL = "balik bentuk cetak cocok didik duduk gerak ketuk masak masuk naik pilih tarik tembak teriak tumpuk tusuk untuk";
  var MONO = "bom cat cek klik las pel pos rem tes tik";
  var CLITIC_ROOTS = "allah aku bilah baku belah berkah buku celah galah istilah jamu jumlah kalah kamu kilah laku langkah lelah masalah naskah nikah olah perilaku pilah punya ramu rumpun saku salah sedekah sekolah semu suku tamu tanya telah temu himpun ampun";
  var SPECIAL = "mengetahui:tahu pengetahuan:tahu ketahui:tahu";
  // END LISTS

  function wordSet(s) {
    return new Set(s.split(' '));
  }
  var stopwords = wordSet(STOPWORDS), keep = wordSet(KEEP), mRoots = wordSet(M_ROOTS),
    nRoots = wordSet(N_ROOTS), nyRoots = wordSet(NY_ROOTS), kRoots = wordSet(K_ROOTS),
    eRoots = wordSet(E_ROOTS), rRoots = wordSet(R_ROOTS), aiRoots = wordSet(AI_ROOTS),
    siRoots = wordSet(SI_ROOTS), mono = wordSet(MONO);
  var kFinal = K_FINAL.split(' '), cliticRoots = CLITIC_ROOTS.split(' ');
  var special = new Map(SPECIAL.split(' ').map(function (p) { return p.split(':'); }));

  /* ---------- stemmer (src/search/stem.rs) ---------- */

  var S_NONE = 0, S_KAN = 1, S_AN = 2, S_I = 3;
  var K_DI = 'di', K_KE = 'ke', K_SE = 'se', K_TER = 'ter', K_BER = 'ber', K_PER = 'per', K_ME = 'me', K_PE = 'pe';
  var N_ANY = 0, N_AI = 1, N_SI = 2;

  function chars(s) { return Array.from(s); }
  function isVowel(c) { return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u'; }
  function last(s) { var c = chars(s); return c.length ? c[c.length - 1] : undefined; }

  function syllables(w) {
    var n = 0;
    for (var c of w) if (isVowel(c)) n++;
    var diphthong = utf8len(w) > 2 && (w.endsWith('ai') || w.endsWith('au') || w.endsWith('oi'));
    return diphthong ? n - 1 : n;
  }
  function utf8len(s) {
    var n = 0;
    for (var c of s) { var p = c.codePointAt(0); n += p < 0x80 ? 1 : p < 0x800 ? 2 : p < 0x10000 ? 3 : 4; }
    return n;
  }

  var CLUSTERS = ['bl', 'br', 'dr', 'dw', 'fl', 'fr', 'gl', 'gr', 'kh', 'kl', 'kr', 'kw', 'ng', 'ny', 'pl', 'pr', 'ps',
    'sk', 'sl', 'sp', 'st', 'sw', 'sy', 'tr'];
  function validOnset(w) {
    var c = chars(w);
    if (c.length < 2) return true;
    if (isVowel(c[0]) || isVowel(c[1])) return true;
    return CLUSTERS.indexOf(c[0] + c[1]) >= 0;
  }
  function endsWithCluster(w) {
    var c = chars(w);
    if (c.length < 2) return false;
    return !isVowel(c[c.length - 1]) && !isVowel(c[c.length - 2]) && !w.endsWith('ng');
  }
  function plausible(root) {
    if (keep.has(root) || mono.has(root)) return true;
    var badEnd = endsWithCluster(root) || (root.endsWith('g') && !root.endsWith('ng')) ||
      /[cjqvxy]$/.test(root);
    return chars(root).length >= 3 && syllables(root) >= 2 && validOnset(root) && !badEnd;
  }
  var LOAN_ENDINGS = ['asi', 'esi', 'isi', 'osi', 'usi', 'ksi', 'psi', 'nsi', 'rsi', 'sme', 'tas', 'al', 'or', 'if', 'ik', 'er'];
  function looksLoan(w) {
    return syllables(w) >= 3 && LOAN_ENDINGS.some(function (e) { return w.endsWith(e); });
  }
  var ALPHA = /^\p{Alphabetic}*$/u;

  function stemWord(word) {
    if (chars(word).length < 4 || !ALPHA.test(word)) return word;
    if (special.has(word)) return special.get(word);
    if (keep.has(word)) return word;
    var base = stripInflection(word);
    if (keep.has(base)) return base;
    var cands = suffixCandidates(base);
    for (var i = 0; i < cands.length; i++) {
      var cand = cands[i][0], suffix = cands[i][1], need = cands[i][2];
      var root = stripPrefixes(cand, suffix);
      if (root === null) continue;
      if (suffix === S_I && root === cand && syllables(root) !== 2 && !keep.has(root)) continue;
      var ok = need === N_ANY ? plausible(root) : need === N_AI ? aiRoots.has(root) : siRoots.has(root);
      if (ok) return root;
    }
    return base;
  }
  function protectedEnding(w) {
    return cliticRoots.some(function (r) { return w.endsWith(r); });
  }
  function stripInflection(word) {
    var w = word, i, p, rest;
    if (!protectedEnding(w)) {
      var particles = ['lah', 'kah', 'pun', 'tah'];
      for (i = 0; i < particles.length; i++) {
        p = particles[i];
        if (w.endsWith(p)) {
          rest = w.slice(0, w.length - p.length);
          var ok = p === 'tah' ? (rest === 'apa' || rest === 'siapa' || rest === 'mana') : syllables(rest) >= 2;
          if (ok) w = rest;
          break;
        }
      }
    }
    if (!protectedEnding(w)) {
      var poss = ['nya', 'ku', 'mu'];
      for (i = 0; i < poss.length; i++) {
        p = poss[i];
        if (w.endsWith(p)) {
          rest = w.slice(0, w.length - p.length);
          if (syllables(rest) >= 2) w = rest;
          break;
        }
      }
    }
    return w;
  }
  var longKeep = Array.from(keep).filter(function (k) { return chars(k).length >= 5; });
  function suffixCandidates(w) {
    var out = [];
    // A word ending in a root that merely looks suffixed keeps it (`tersendiri`).
    if (longKeep.some(function (k) { return w.endsWith(k); })) return [[w, S_NONE, N_ANY]];
    // The first prefix, when what follows it could open a root (`kerjakan` has none).
    var po = prefixOptions(w, null);
    var first = po && po[2].some(validOnset) ? po[0] : null;
    var rest, before;
    if (w.endsWith('kan')) {
      rest = w.slice(0, -3);
      if (syllables(rest) >= 2) {
        before = last(rest) || 'a';
        var withK = w.slice(0, -2);
        var anFirst = isVowel(before) && (first === K_KE || first === K_PE ||
          kFinal.some(function (r) { return withK.endsWith(r); }));
        if (anFirst) {
          out.push([withK, S_AN, N_ANY]);
          out.push([rest, S_KAN, N_ANY]);
        } else {
          out.push([rest, S_KAN, N_ANY]);
          if (isVowel(before)) out.push([withK, S_AN, N_ANY]);
        }
      }
    } else if (w.endsWith('an')) {
      rest = w.slice(0, -2);
      if (syllables(rest) >= 2) out.push([rest, S_AN, N_ANY]);
    } else if (w.endsWith('i')) {
      rest = w.slice(0, -1);
      before = last(rest) || 'a';
      if (syllables(rest) >= 2 && !endsWithCluster(rest)) {
        if (before === 'a') out.push([rest, S_I, N_AI]);
        else if (before === 's') out.push([rest, S_I, N_SI]);
        else if (before !== 'e' && before !== 'i' && before !== 'o') out.push([rest, S_I, N_ANY]);
      }
    }
    out.push([w, S_NONE, N_ANY]);
    return out;
  }
  function confixOk(kind, suffix) {
    return !((kind === K_BER && suffix === S_I) || (kind === K_DI && suffix === S_AN) ||
      (kind === K_KE && (suffix === S_I || suffix === S_KAN)) || (kind === K_ME && suffix === S_AN) ||
      (kind === K_SE && (suffix === S_I || suffix === S_KAN || suffix === S_AN)) || (kind === K_TER && suffix === S_AN) ||
      (kind === K_PE && (suffix === S_I || suffix === S_KAN)));
  }
  function stripPrefixes(word, suffix) {
    var cur = word, prev = null;
    for (var step = 0; step < 3; step++) {
      if (keep.has(cur)) break;
      var po = prefixOptions(cur, prev);
      if (!po) break;
      var kind = po[0], strong = po[1], cands = po[2];
      if (step === 0 && suffix !== S_NONE && !confixOk(kind, suffix)) return null;
      var monoOk = kind === K_DI || kind === K_ME || kind === K_PE;
      var pick = cands.find(function (c) { return plausible(c) && (monoOk || !mono.has(c)); });
      if (pick !== undefined) {
        cur = pick;
        prev = kind;
      } else {
        if (step === 0 && strong && suffix !== S_NONE) return null;
        break;
      }
    }
    return cur;
  }
  function startsVowel(s) { return s.length > 0 && isVowel(chars(s)[0]); }
  function startsAny(s, set) { return s.length > 0 && set.indexOf(chars(s)[0]) >= 0; }
  function pair(preferSecond, a, b) { return preferSecond ? [b, a] : [a, b]; }
  function rOptions(rest) {
    if (startsVowel(rest)) return pair(rRoots.has('r' + rest), rest, 'r' + rest);
    return [rest];
  }
  function nasalOptions(after) {
    var rest;
    if (after.startsWith('ng')) {
      rest = after.slice(2);
      if (startsAny(rest, 'ghk')) return [rest];
      if (!startsVowel(rest)) return null;
      var withK = 'k' + rest;
      if (rest.startsWith('e')) {
        var m = rest.slice(1);
        if (mono.has(m)) return [m];
        var vowelRoot = eRoots.has(rest) || looksLoan(rest);
        return pair(!vowelRoot, rest, withK);
      }
      var kFirst = kRoots.has(withK) ||
        (rest.startsWith('o') && (rest.startsWith('on') || rest.startsWith('om') || rest.startsWith('oo')));
      return pair(kFirst, rest, withK);
    }
    if (after.startsWith('ny')) {
      rest = after.slice(2);
      if (!startsVowel(rest)) return null;
      return pair(nyRoots.has('ny' + rest), 's' + rest, 'ny' + rest);
    }
    if (after.startsWith('n')) {
      rest = after.slice(1);
      if (startsAny(rest, 'cdjstz')) return [rest];
      if (!startsVowel(rest)) return null;
      var withN = 'n' + rest;
      return pair(nRoots.has(withN) || looksLoan(withN), 't' + rest, withN);
    }
    if (after.startsWith('m')) {
      rest = after.slice(1);
      if (startsAny(rest, 'bfpv')) return [rest];
      if (!startsVowel(rest)) return null;
      var withM = 'm' + rest;
      return pair(mRoots.has(withM) || looksLoan(withM), 'p' + rest, withM);
    }
    return null;
  }
  function prefixOptions(w, prev) {
    function after(allowed) { return prev === null || allowed.indexOf(prev) >= 0; }
    var rest, c;
    if (w.startsWith('di') && prev === null) return [K_DI, true, [w.slice(2)]];
    if (w.startsWith('ke') && after([K_BER, K_DI, K_SE, K_TER, K_PER])) return [K_KE, false, [w.slice(2)]];
    if (w.startsWith('se') && after([K_KE])) return [K_SE, false, [w.slice(2)]];
    if (w.startsWith('ter') && after([K_KE])) return [K_TER, true, rOptions(w.slice(3))];
    if (w.startsWith('be') && after([K_KE, K_ME, K_PE, K_DI])) {
      if (w.startsWith('bel') && w.slice(3).startsWith('ajar')) return [K_BER, true, [w.slice(3)]];
      if (w.startsWith('ber')) return [K_BER, true, rOptions(w.slice(3))];
      rest = w.slice(2);
      c = chars(rest);
      if (c.length > 0 && !isVowel(c[0]) && c.slice(1).join('').startsWith('er')) return [K_BER, false, [rest]];
    }
    if (w.startsWith('pe') && after([K_DI, K_ME, K_PE, K_KE, K_SE, K_TER, K_BER])) {
      if (w.startsWith('pel') && w.slice(3).startsWith('ajar')) return [K_PER, true, [w.slice(3)]];
      if (w.startsWith('per')) return [K_PER, true, rOptions(w.slice(3))];
    }
    if (w.startsWith('me') && prev === null) {
      var afterMe = w.slice(2);
      c = nasalOptions(afterMe);
      if (c) return [K_ME, true, c];
      if (startsAny(afterMe, 'lrwy')) return [K_ME, true, [afterMe]];
    }
    if (w.startsWith('pe') && after([K_KE, K_BER, K_DI, K_ME])) {
      var afterPe = w.slice(2);
      c = nasalOptions(afterPe);
      if (c) return [K_PE, true, c];
      if (startsAny(afterPe, 'lwy')) return [K_PE, false, [afterPe]];
      if (startsAny(afterPe, 'cdghjkst')) return [K_PE, false, [afterPe]];
    }
    return null;
  }

  /* ---------- tokenizer (src/search/tokenize.rs) ---------- */

  var WORD_CHAR = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;
  var UPPER = /\p{Uppercase}/u;
  var MAX_WORD = 40;
  var HYPHEN_CLITICS = ['nya', 'ku', 'mu', 'lah', 'kah', 'pun'];
  function isHyphen(c) { return c === '-' || c === '\u2010' || c === '\u2011'; }
  var memo = new Map();
  function stemPart(part) {
    if (!ALPHA.test(part)) return part;
    var s = memo.get(part);
    if (s === undefined) {
      if (memo.size > 200000) memo.clear();
      s = stemWord(part);
      memo.set(part, s);
    }
    return s;
  }
  function tokenize(text) {
    var cs = chars(text), out = [], i = 0;
    while (i < cs.length) {
      if (!WORD_CHAR.test(cs[i])) { i++; continue; }
      var start = i;
      while (i < cs.length) {
        if (WORD_CHAR.test(cs[i])) i++;
        else if (isHyphen(cs[i]) && i + 1 < cs.length && WORD_CHAR.test(cs[i + 1])) i++;
        else break;
      }
      pushWord(cs.slice(start, i), start, out);
    }
    return out;
  }
  function pushWord(raw, start, out) {
    if (raw.length > MAX_WORD) return;
    var parts = [], s = 0, j;
    for (j = 0; j <= raw.length; j++) {
      if (j === raw.length || isHyphen(raw[j])) {
        var part = raw.slice(s, j);
        var acronym = part.length >= 2 && part.every(function (c) { return UPPER.test(c); });
        parts.push({ text: part.join('').toLowerCase(), start: start + s, end: start + j, acronym: acronym });
        s = j + 1;
      }
    }
    while (parts.length > 1 && HYPHEN_CLITICS.indexOf(parts[parts.length - 1].text) >= 0) parts.pop();
    var stems = parts.map(function (p) { return stemPart(p.text); });
    if (parts.length > 1 && stems.every(function (x) { return x === stems[0]; })) {
      var surface = parts.map(function (p) { return p.text; }).join('-');
      var stop = !parts[0].acronym && (stopwords.has(surface) || stopwords.has(parts[0].text));
      out.push({ surface: surface, stem: stems[0], stop: stop, start: start, end: parts[parts.length - 1].end });
      return;
    }
    parts.forEach(function (p, k) {
      out.push({ surface: p.text, stem: stems[k], stop: !p.acronym && stopwords.has(p.text), start: p.start, end: p.end });
    });
  }
  function stem(word) {
    return tokenize(word).map(function (t) { return t.stem; }).join(' ');
  }

  /* ---------- index format (src/search/format.rs) ---------- */

  var FIELDS = 5, WEIGHTS = [6.0, 3.0, 2.0, 3.0, 1.0];
  function dequantizeLen(q) { return q < 128 ? q * 4 : 512 + (q - 128) * 32; }
  function chunkFor(firsts, key) {
    // partition_point(first <= key) - 1, saturating.
    var lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(firsts[mid], key) <= 0) lo = mid + 1; else hi = mid;
    }
    return lo > 0 ? lo - 1 : 0;
  }
  // Rust compares strings by bytes (code points); so do we.
  function cmp(a, b) {
    var ca = chars(a), cb = chars(b), n = Math.min(ca.length, cb.length);
    for (var i = 0; i < n; i++) {
      var x = ca[i].codePointAt(0), y = cb[i].codePointAt(0);
      if (x !== y) return x < y ? -1 : 1;
    }
    return ca.length - cb.length;
  }
  var utf8 = new TextDecoder('utf-8');
  function decodeChunk(buf) {
    var pos = 0, out = new Map();
    function varint() {
      var v = 0, mul = 1, b;
      do {
        if (pos >= buf.length) throw new Error('damaged postings chunk');
        b = buf[pos++];
        v += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80);
      return v;
    }
    while (pos < buf.length) {
      var klen = varint();
      var key = utf8.decode(buf.subarray(pos, pos + klen));
      pos += klen;
      var idf = varint(), count = varint(), pages = new Array(count), id = 0;
      for (var k = 0; k < count; k++) {
        id += varint();
        var mask = buf[pos++], tf = [0, 0, 0, 0, 0];
        for (var f = 0; f < FIELDS; f++) if (mask & (1 << f)) tf[f] = varint();
        pages[k] = [id, tf];
      }
      out.set(key, { idf: idf, pages: pages });
    }
    return out;
  }

  /* ---------- engine (src/search/query.rs) ---------- */

  var WINDOW = 5, MAX_WORDS = 12, PHRASE_CHECKS = 48, K1 = 1.2, PREFIX_WEIGHT = 0.8, TYPO_WEIGHT = 0.7,
    PREFIX_TERMS = 10, PREFIX_MIN_LEN = 3, TYPO_TERMS = 8, TYPO_MIN_LEN = 5, SNIPPET_WORDS = 24;

  function parse(query, prefixMode) {
    var words = [], quoted = [], phrases = [], prefixLast = false;
    var segments = query.split('"');
    var trailing = /[\s"]$/u.test(query);
    for (var i = 0; i < segments.length; i++) {
      var inside = i % 2 === 1;
      var tokens = tokenize(segments[i]);
      if (inside && tokens.length > 1) phrases.push(tokens.map(function (t) { return t.surface; }));
      var lastSeg = i === segments.length - 1;
      for (var j = 0; j < tokens.length; j++) {
        var t = tokens[j];
        var typing = prefixMode && lastSeg && j === tokens.length - 1 && !inside && !trailing;
        if (t.stop && !typing) continue;
        if (words.length === MAX_WORDS) break;
        prefixLast = typing;
        words.push(t);
        quoted.push(inside);
      }
    }
    if (words.length === MAX_WORDS && prefixLast) prefixLast = false;
    return { words: words, prefixLast: prefixLast, phrases: phrases, quoted: quoted };
  }

  function oneEdit(a, b) {
    a = chars(a); b = chars(b);
    if (a.join('') === b.join('') || Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    var tail = function (x, from) { return x.slice(from).join(''); };
    if (a.length === b.length) {
      if (tail(a, i + 1) === tail(b, i + 1)) return true;
      return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && tail(a, i + 2) === tail(b, i + 2);
    }
    if (a.length > b.length) return tail(a, i + 1) === tail(b, i);
    return tail(a, i) === tail(b, i + 1);
  }

  function findMembers(groups, stems) {
    var out = [];
    for (var start = 0; start < stems.length; start++) {
      for (var g = 0; g < groups.length; g++) {
        groups[g].forEach(function (m) {
          if (m[0] !== stems[start] || m.length > stems.length - start) return;
          for (var k = 0; k < m.length; k++) if (m[k] !== stems[start + k]) return;
          out.push([g, start, m.length]);
        });
      }
    }
    return out;
  }

  /** `load(path, binary)` resolves to a Uint8Array (binary) or a string. */
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.post = new Map();
    this.vocab = new Map();
    this.frags = new Map();
  }
  Engine.prototype.open = async function () {
    if (this.meta) return;
    var meta = JSON.parse(await this.load('meta.json', false));
    if (meta.format !== 1) throw new Error('search index format ' + meta.format + ' is not supported; rebuild the site');
    this.v = meta.v;
    this.table = await this.load('pages.bin', true);
    this.meta = meta;
  };
  Engine.prototype.chunk = function (i) {
    var self = this;
    if (!this.post.has(i)) {
      this.post.set(i, this.load('p/' + i + '.bin', true).then(decodeChunk));
    }
    return this.post.get(i);
  };
  Engine.prototype.postings = async function (term) {
    if (this.meta.post.length === 0) return undefined;
    var chunk = await this.chunk(chunkFor(this.meta.post, term));
    return chunk.get(term);
  };
  Engine.prototype.vocabChunk = function (i) {
    if (!this.vocab.has(i)) {
      this.vocab.set(i, this.load('v/' + i + '.txt', false).then(function (text) {
        return text.split('\n').filter(function (l) { return l.length > 0; }).map(function (l) {
          var tab = l.indexOf('\t');
          return tab >= 0 ? [l.slice(0, tab), l.slice(tab + 1)] : [l, l];
        });
      }));
    }
    return this.vocab.get(i);
  };
  Engine.prototype.vocabStarting = async function (prefix) {
    var out = [], firsts = this.meta.vocab;
    if (firsts.length === 0) return out;
    var i = chunkFor(firsts, prefix);
    for (;;) {
      (await this.vocabChunk(i)).forEach(function (e) { if (e[0].startsWith(prefix)) out.push(e); });
      i++;
      if (i >= firsts.length || !firsts[i].startsWith(prefix)) return out;
    }
  };
  Engine.prototype.fragment = function (id) {
    if (!this.frags.has(id)) {
      this.frags.set(id, this.load('f/' + id + '.json', false).then(JSON.parse));
    }
    return this.frags.get(id);
  };
  Engine.prototype.bm25 = function (p, id, tf) {
    var len = dequantizeLen(this.table[id * 2]);
    var norm = 0.25 + 0.75 * len / this.meta.avg;
    var w = 0.0;
    for (var f = 0; f < FIELDS; f++) w += WEIGHTS[f] * tf[f];
    var t = w / norm;
    var idf = p.idf / 1000.0;
    return idf * t / (t + K1);
  };
  Engine.prototype.clauses = async function (parsed) {
    var self = this, clauses = [], n = parsed.words.length, i;
    for (i = 0; i < n; i++) {
      var t = parsed.words[i], alts = [];
      if (!t.stop) alts.push([t.stem, 1.0]);
      if (parsed.prefixLast && i === n - 1 && chars(t.surface).length >= PREFIX_MIN_LEN) {
        var entries = await this.vocabStarting(t.surface);
        entries.sort(function (a, b) { return (chars(a[0]).length - chars(b[0]).length) || cmp(a[0], b[0]); });
        for (var e = 0; e < entries.length; e++) {
          if (alts.length > PREFIX_TERMS) break;
          var st = entries[e][1];
          if (!alts.some(function (x) { return x[0] === st; })) alts.push([st, PREFIX_WEIGHT]);
        }
      }
      clauses.push({
        alts: alts, cover: [i], required: parsed.quoted[i],
        stems: new Set(alts.map(function (x) { return x[0]; })),
        word: parsed.quoted[i] ? null : t.surface
      });
    }
    var stems = parsed.words.map(function (t) { return t.stem; });
    var groups = this.meta.syn;
    findMembers(groups, stems).forEach(function (hit) {
      var g = hit[0], start = hit[1], len = hit[2], term = '~' + g, k, cover = [];
      for (k = start; k < start + len; k++) cover.push(k);
      var existing = clauses.find(function (c) { return c.word === null && !c.required && c.alts[0][0] === term; });
      if (existing) {
        cover.forEach(function (x) { if (existing.cover.indexOf(x) < 0) existing.cover.push(x); });
        return;
      }
      var all = new Set();
      groups[g].forEach(function (m) { m.forEach(function (s) { all.add(s); }); });
      clauses.push({ alts: [[term, 1.0]], cover: cover, required: false, stems: all, word: null });
    });
    // Fetch every chunk the clauses need at once.
    var terms = [];
    clauses.forEach(function (c) { c.alts.forEach(function (a) { terms.push(a[0]); }); });
    await Promise.all(terms.map(function (term) { return self.postings(term); }));
    for (i = 0; i < clauses.length; i++) {
      var c = clauses[i];
      if (c.word === null) continue;
      var found = false;
      for (var a = 0; a < c.alts.length; a++) found = found || (await this.postings(c.alts[a][0])) !== undefined;
      if (found || chars(c.word).length < TYPO_MIN_LEN) continue;
      var near = await this.vocabStarting(chars(c.word)[0]);
      for (var k = 0; k < near.length; k++) {
        if (c.alts.length > TYPO_TERMS) break;
        var w = near[k][0], s = near[k][1];
        if (oneEdit(c.word, w) && !c.alts.some(function (x) { return x[0] === s; })) {
          c.stems.add(s);
          c.alts.push([s, TYPO_WEIGHT]);
        }
      }
    }
    terms = [];
    clauses.forEach(function (c) { c.alts.forEach(function (a) { terms.push(a[0]); }); });
    await Promise.all(terms.map(function (term) { return self.postings(term); }));
    return clauses;
  };
  Engine.prototype.stageOne = async function (clauses, n, section) {
    var perPage = new Map(), ci, a;
    for (ci = 0; ci < clauses.length; ci++) {
      var c = clauses[ci];
      for (a = 0; a < c.alts.length; a++) {
        var weight = c.alts[a][1];
        var p = await this.postings(c.alts[a][0]);
        if (p === undefined) continue;
        for (var k = 0; k < p.pages.length; k++) {
          var id = p.pages[k][0], tf = p.pages[k][1];
          if (section !== null && this.table[id * 2 + 1] !== section) continue;
          var s = weight * this.bm25(p, id, tf);
          var scores = perPage.get(id);
          if (!scores) { scores = new Array(clauses.length).fill(null); perPage.set(id, scores); }
          if (scores[ci] === null || s > scores[ci]) scores[ci] = s;
        }
      }
    }
    var out = [];
    perPage.forEach(function (scores, id) {
      for (var i = 0; i < clauses.length; i++) if (clauses[i].required && scores[i] === null) return;
      var total = 0.0, covered = new Array(n).fill(false);
      for (i = 0; i < clauses.length; i++) {
        if (scores[i] !== null) {
          total += scores[i];
          clauses[i].cover.forEach(function (x) { covered[x] = true; });
        }
      }
      var m = covered.filter(Boolean).length;
      out.push([total * (m * m) / (n * n), id]);
    });
    out.sort(function (x, y) { return (y[0] - x[0]) || (x[1] - y[1]); });
    return out;
  };
  /** Resolves to hits: {url, title, breadcrumb, heading, snippet, marks, score}. */
  Engine.prototype.search = async function (query, opts) {
    await this.open();
    opts = opts || {};
    var limit = opts.limit === undefined ? 10 : opts.limit;
    var section = null;
    if (opts.section) {
      section = this.meta.sections.findIndex(function (s) { return s[0] === opts.section; });
      if (section < 0) throw new Error('no section ' + JSON.stringify(opts.section));
    }
    var parsed = parse(query, !!opts.prefix);
    if (parsed.words.length === 0 || limit === 0) return [];
    var clauses = await this.clauses(parsed);
    var ranked = await this.stageOne(clauses, parsed.words.length, section);
    var hits = [], next = 0, self = this;
    while (hits.length < limit && next < ranked.length) {
      if (parsed.phrases.length > 0 && next >= PHRASE_CHECKS) break;
      var win = ranked.slice(next, Math.min(next + WINDOW, ranked.length));
      next += WINDOW;
      var frags = await Promise.all(win.map(function (r) { return self.fragment(r[1]); }));
      var scored = [];
      win.forEach(function (r, k) {
        var hit = stageTwo(frags[k], r[0], parsed, clauses);
        if (hit) scored.push([hit, r[1]]);
      });
      scored.sort(function (x, y) { return (y[0].score - x[0].score) || (x[1] - y[1]); });
      scored.forEach(function (s) { hits.push(s[0]); });
    }
    return hits.slice(0, limit);
  };

  function Unit(text) { this.tokens = tokenize(text); }
  Unit.prototype.has = function (stems) {
    return this.tokens.some(function (t) { return !t.stop && stems.has(t.stem); });
  };
  Unit.prototype.count = function (stems) {
    return this.tokens.filter(function (t) { return !t.stop && stems.has(t.stem); }).length;
  };
  Unit.prototype.adjacent = function (a, b) {
    var content = this.tokens.filter(function (t) { return !t.stop; });
    for (var i = 0; i + 1 < content.length; i++) if (a.has(content[i].stem) && b.has(content[i + 1].stem)) return true;
    return false;
  };
  Unit.prototype.hasPhrase = function (words) {
    var t = this.tokens;
    for (var i = 0; i + words.length <= t.length; i++) {
      var ok = true;
      for (var k = 0; k < words.length && ok; k++) ok = t[i + k].surface === words[k];
      if (ok) return true;
    }
    return false;
  };

  function stageTwo(frag, score, parsed, clauses) {
    var title = new Unit(frag.t), desc = new Unit(frag.d);
    var sections = frag.s.map(function (s) { return [new Unit(s[0]), new Unit(s[2])]; });
    var units = [title, desc];
    sections.forEach(function (s) { units.push(s[0], s[1]); });
    for (var p = 0; p < parsed.phrases.length; p++) {
      var ph = parsed.phrases[p];
      if (!units.some(function (u) { return u.hasPhrase(ph); })) return null;
    }
    var wordClauses = clauses.filter(function (c) { return c.word !== null || c.required; });
    var titleAll = wordClauses.every(function (c) { return title.has(c.stems); });
    var titleFactor = titleAll ? 1.25 : 1.0;
    var ofWord = parsed.words.map(function (_, i) {
      return clauses.find(function (c) { return c.cover.length === 1 && c.cover[0] === i; });
    });
    var pairs = 0;
    for (var i = 0; i + 1 < ofWord.length; i++) {
      var a = ofWord[i].stems, b = ofWord[i + 1].stems;
      if (units.some(function (u) { return u.adjacent(a, b); })) pairs++;
    }
    score = score * titleFactor * (1.0 + 0.25 * pairs);

    var best = 0, bestScore = 0;
    for (var j = 0; j < sections.length; j++) {
      var sc = 0, s = sections[j];
      clauses.forEach(function (c) {
        if (s[0].has(c.stems)) sc += 4;
        var k = s[1].count(c.stems);
        if (k > 0) sc += 2 + Math.min(k, 3);
      });
      if (sc > bestScore) { best = j; bestScore = sc; }
      if (j === 0 && sc > 0 && titleAll) break;
    }
    var text, unit;
    if ((bestScore === 0 && frag.d.length > 0) || sections.length === 0) { text = frag.d; unit = desc; }
    else { text = frag.s[best][2]; unit = sections[best][1]; }
    var sn = snippet(text, unit, clauses);
    var anchor = frag.s[best] ? frag.s[best][1] : '';
    var deep = bestScore > 0 && best > 0 && anchor.length > 0;
    return {
      url: deep ? frag.u + '#' + anchor : frag.u,
      title: frag.t,
      breadcrumb: frag.b,
      heading: deep ? frag.s[best][0] : '',
      snippet: sn[0],
      marks: sn[1],
      score: score
    };
  }

  function snippet(text, unit, clauses) {
    var toks = unit.tokens;
    var matched = toks.map(function (t) {
      if (t.stop) return null;
      var i = clauses.findIndex(function (c) { return c.stems.has(t.stem); });
      return i < 0 ? null : i;
    });
    var cs = chars(text), ws = 0, we = toks.length, s, i;
    if (toks.length > SNIPPET_WORDS) {
      var best = [0, 0, 0];
      for (s = 0; s <= toks.length - SNIPPET_WORDS; s++) {
        var distinct = new Set(), count = 0;
        for (i = s; i < s + SNIPPET_WORDS; i++) if (matched[i] !== null) { distinct.add(matched[i]); count++; }
        if (distinct.size > best[0] || (distinct.size === best[0] && count > best[1])) best = [distinct.size, count, s];
      }
      ws = best[2];
      for (i = ws; i < ws + SNIPPET_WORDS; i++) {
        if (matched[i] !== null) { ws = Math.min(Math.max(i - 3, 0), toks.length - SNIPPET_WORDS); break; }
      }
      we = ws + SNIPPET_WORDS;
    }
    var a = ws === 0 || toks.length === 0 ? 0 : toks[ws].start;
    var b = we >= toks.length ? cs.length : toks[we - 1].end;
    var lead = a > 0 ? 1 : 0;
    var out = (a > 0 ? '\u2026' : '') + cs.slice(a, b).map(function (c) {
      return c === '\n' || c === '\r' || c === '\t' ? ' ' : c;
    }).join('') + (b < cs.length ? '\u2026' : '');
    var marks = [];
    for (i = ws; i < we; i++) if (matched[i] !== null) marks.push([toks[i].start - a + lead, toks[i].end - a + lead]);
    return [out, marks];
  }

  var api = { stem: stem, stemWord: stemWord, tokenize: tokenize, oneEdit: oneEdit, parse: parse, Engine: Engine,
    chars: chars, WINDOW: WINDOW };
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof self === 'object') self.PedomanSearchEngine = api;
})();
