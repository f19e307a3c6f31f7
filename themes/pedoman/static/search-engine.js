/* Pedoman's search engine: src/search/*.rs step for step (tests/search_agreement.rs checks),
 * no DOM. The UI (search.js) uses it as `PedomanSearchEngine`. */
(function () {
  'use strict';

  // BEGIN GENERATED (src/search/js.rs renders this from the Rust source; do not edit)
  var STOPWORDS = "ada adalah adanya agak agar akan akankah akhirnya aku akulah amat amatlah anda andalah antar antara antaranya apa apaan apabila apakah apalagi apatah atau ataukah ataupun bagai bagaikan bagaimana bagaimanakah bagaimanapun bagi bahkan bahwa bahwasanya banyak beberapa begini begitu begitupun belum belumlah berapa berbagai bersama betapa biasanya bila bilamana bisa boleh bukan bukankah bukanlah dahulu dalam dan dapat dari daripada dekat demi demikian dengan di dia dialah diri dirinya dong dulu enggak entah guna hal hampir hanya hanyalah harus haruslah hingga ia ialah ini inilah itu itulah jadi jangan janganlah jika jikalau juga justru kah kalau kalaupun kalian kami kamilah kamu kamulah kan kapan karena karenanya kata ke kecuali kemudian kenapa kepada kepadanya ketika kini kita kitalah lagi lah lain lainnya lalu lebih maka makin malah mampu mana manakala manalagi masih masing masing-masing mau maupun melainkan melalui memang mengapa menjadi menurut mereka merekalah meski meskipun misalnya mungkin nah namun nanti nya oleh olehnya pada padahal padanya para pasti per pernah pula pun punya saat saja sama sambil sampai sana sangat saya sayalah se sebab sebagai sebagaimana sebaliknya sebelum sebelumnya sebenarnya seberapa sebetulnya sebuah secara sedang sedangkan sedikit segala segera sehingga sejak sekali sekalipun sekarang selagi selain selaku selalu selama seluruh semua semuanya sendiri seolah seorang sepanjang seperti sepertinya serta sesuatu sesudah setelah setiap siapa siapakah sini situ suatu sudah sudahlah supaya tadi tak tanpa tapi telah tentang tentu tentunya terhadap terlalu tersebut tetapi tiap tidak tidaklah toh ujar untuk walau walaupun ya yaitu yakni yang aja banget bgt blm deh dgn doang emang ga gak gimana gini gitu gk gmn jg kalo kayak klo kok krn lho loh mah nggak ngga nih pas sdh sih tdk tsb tuh udah udh utk yg";
  var KEEP = "adalah akibat anggota bahasa bahwa bangsa belanja bentuk berani berat beras berita bersih bisa bupati delapan demikian digital digitalisasi diagram dialog dimensi dinamika dinamis dinas diploma diplomasi direktorat direktur disabilitas disiplin diskusi diskriminasi disrupsi distribusi divisi halaman istilah karyawan keluarga kelompok kemudian kepala kereta menteri mandiri masalah masyarakat negeri pedoman pegawai peduli pelangi peluang pemerintah pemilu pengaruh percaya perempuan perintah perilaku periksa perangkat perlu persen persepsi personel persentase perspektif pertama pesan pesawat pribadi relawan sejahtera sejarah sekolah sekretariat selamat selesai seleksi semangat sembilan semua sederhana segera sepakat sendiri setuju teman terampil terapi terima tetapi wartawan ketua keluar kelola keliling peran materi memori harmoni tirani pensiun penjara performance beri beranda sedia setia kenal keliru kelamin kerabat kecuali pelopor pemangku beritahu peramban periode sesuai teladan terap terbit terang terminal sementara semester sengaja senior senioritas seremoni seremonial serius selisih sekaligus kerja kembali pengadaan penghasilan sekretaris terorisme";
  var M_ROOTS = "maaf madai mahal main maju makan maki makmur maklum makna maksud malu mampu manfaat mantap marah masak masuk masyarakat mati menang merdeka minat minta minum milik mimpi miskin mohon muat mudah mula mulai muncul mundur mungkin muda murah musnah";
  var N_ROOTS = "naik nama nanti nasihat negara nikah nikmat nilai nobat nomor nonaktif normal netral";
  var NY_ROOTS = "nyala nyaman nyanyi nyata nyawa";
  var K_ROOTS = "kabar kaji kait kalah kampanye karang kategori kawal kikis kira kirim kisah kuasa kuat kukuh kumpul kunci kunjung kupas kuras kurang kurung kutip korban";
  var E_ROOTS = "edit eja ejek erti";
  var R_ROOTS = "ragam rajin rancang rangka rangkai rantai rasa rawat rekat rekrut rencana risiko ringan rugi rumah rumus runding rundung rupa ruang";
  var AI_ROOTS = "biaya cinta dana harga kena kepala ketua kuasa makna minta nama percaya punya rasa serta suka tanda tanya warna";
  var SI_ROOTS = "atas awas balas batas habis kemas landas lapis tangis tugas waris";
  var K_FINAL = "balik bentuk cetak cocok didik duduk gerak ketuk masak masuk naik pilih tarik tembak teriak tumpuk tusuk untuk";
  var MONO = "bom cat cek klik las pel pos rem tes tik";
  var CLITIC_ROOTS = "allah aku bilah baku belah berkah buku celah galah istilah jamu jumlah kalah kamu kilah laku langkah lelah masalah naskah nikah olah perilaku pilah punya ramu rumpun saku salah sedekah sekolah semu suku tamu tanya telah temu himpun ampun";
  var SPECIAL = "mengetahui:tahu pengetahuan:tahu ketahui:tahu";
  var CLUSTERS = ["bl","br","dr","dw","fl","fr","gl","gr","kh","kl","kr","kw","ng","ny","pl","pr","ps","sk","sl","sp","st","sw","sy","tr"];
  var LOAN_ENDINGS = ["asi","esi","isi","osi","usi","ksi","psi","nsi","rsi","sme","tas","al","or","if","ik","er"];
  var PARTICLES = ["lah","kah","pun","tah"];
  var POSSESSIVES = ["nya","ku","mu"];
  var MAX_WORD = 40;
  var HYPHEN_CLITICS = ["nya","ku","mu","lah","kah","pun"];
  var FORMAT_VERSION = 5;
  var EXPANSION_MARK = "#";
  var MAX_WORDS = 12;
  var WINDOW = 5;
  var PHRASE_CHECKS = 48;
  var K1 = 1.2;
  var PREFIX_WEIGHT = 0.8;
  var SYNONYM_WEIGHT = 0.8;
  var TYPO_WEIGHTS = [1.0,0.7,0.5];
  var PREFIX_TERMS = 10;
  var PREFIX_MIN_LEN = 3;
  var TYPO_TERMS = 8;
  var TITLE_BONUS = 0.5;
  var COMMON_IDF_MILLI = 693;
  var SNIPPET_WORDS = 24;
  var PROX_BONUS = 0.25;
  var PROX_NEAR = 4;
  var ONE_EDIT = 5;
  var TWO_EDITS = 8;
  // END GENERATED

  function wordSet(s) {
    return new Set(s.split(' '));
  }
  var stopwords = wordSet(STOPWORDS), keep = wordSet(KEEP), mRoots = wordSet(M_ROOTS),
    nRoots = wordSet(N_ROOTS), nyRoots = wordSet(NY_ROOTS), kRoots = wordSet(K_ROOTS),
    eRoots = wordSet(E_ROOTS), rRoots = wordSet(R_ROOTS), aiRoots = wordSet(AI_ROOTS),
    siRoots = wordSet(SI_ROOTS), mono = wordSet(MONO);
  var kFinal = K_FINAL.split(' '), cliticRoots = CLITIC_ROOTS.split(' ');
  var special = new Map(SPECIAL.split(' ').map(function (p) { return p.split(':'); }));

  // stem.rs

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
      for (i = 0; i < PARTICLES.length; i++) {
        p = PARTICLES[i];
        if (w.endsWith(p)) {
          rest = w.slice(0, w.length - p.length);
          var ok = p === 'tah' ? (rest === 'apa' || rest === 'siapa' || rest === 'mana') : syllables(rest) >= 2;
          if (ok) w = rest;
          break;
        }
      }
    }
    if (!protectedEnding(w)) {
      for (i = 0; i < POSSESSIVES.length; i++) {
        p = POSSESSIVES[i];
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

  // tokenize.rs

  var WORD_CHAR = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;
  var UPPER = /\p{Uppercase}/u;
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

  // format.rs

  function dequantizeLen(q) { return q < 128 ? q * 4 : 512 + (q - 128) * 32; }
  // Rust compares strings by bytes (code points); so do we.
  function cmp(a, b) {
    var ca = chars(a), cb = chars(b), n = Math.min(ca.length, cb.length);
    for (var i = 0; i < n; i++) {
      var x = ca[i].codePointAt(0), y = cb[i].codePointAt(0);
      if (x !== y) return x < y ? -1 : 1;
    }
    return ca.length - cb.length;
  }
  function chunkFor(firsts, key) {
    // partition_point(first <= key) - 1, saturating.
    var lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(firsts[mid], key) <= 0) lo = mid + 1; else hi = mid;
    }
    return lo > 0 ? lo - 1 : 0;
  }
  function typoFile(first, len) { return 't/' + first.codePointAt(0) + '-' + len + '.txt'; }
  var utf8 = new TextDecoder('utf-8', { fatal: true });
  function damaged() { return new Error('the search index is damaged; rebuild the site'); }

  // gunzip (RFC 1952, 1951), for the index's files, which are stored gzipped (format.rs);
  // small and plain rather than fast: a search unpacks tens of kilobytes. Decoding follows
  // zlib's puff: canonical codes read a bit at a time.
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  // Deflate expands at most about 1032-fold: a larger claimed size is damage.
  var MAX_INFLATE_RATIO = 1032;
  // A canonical code from its code lengths: codes per length, symbols in code order.
  function huffman(lengths) {
    var count = new Uint16Array(16), offs = new Uint16Array(16), sym = new Uint16Array(lengths.length), i;
    for (i = 0; i < lengths.length; i++) count[lengths[i]]++;
    count[0] = 0;
    // More codes than lengths allow: damage (fewer is allowed, as in zlib).
    for (var left = 1, len = 1; len < 16; len++) if ((left = 2 * left - count[len]) < 0) throw damaged();
    for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + count[i - 1];
    for (i = 0; i < lengths.length; i++) if (lengths[i]) sym[offs[lengths[i]]++] = i;
    return { count: count, sym: sym };
  }
  var FIXED = (function () {
    var l = new Uint8Array(288), i;
    for (i = 0; i < 288; i++) l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    return { lit: huffman(l), dist: huffman(new Uint8Array(30).fill(5)) };
  })();
  function gunzip(b) {
    var n = b.length;
    if (n < 18 || b[2] !== 8) throw damaged();
    var flags = b[3], pos = 10, i;
    if (flags & 4) pos += 2 + (b[10] | b[11] << 8);
    if (flags & 8) while (pos < n && b[pos++]) { /* file name */ }
    if (flags & 16) while (pos < n && b[pos++]) { /* comment */ }
    if (flags & 2) pos += 2;
    var size = (b[n - 4] | b[n - 3] << 8 | b[n - 2] << 16 | b[n - 1] << 24) >>> 0;
    if (size > n * MAX_INFLATE_RATIO) throw damaged();
    var out = new Uint8Array(size), o = 0, buf = 0, have = 0;
    function bits(k) {
      while (have < k) {
        if (pos >= n) throw damaged();
        buf |= b[pos++] << have;
        have += 8;
      }
      var v = buf & ((1 << k) - 1);
      buf >>>= k;
      have -= k;
      return v;
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var len = 1; len < 16; len++) {
        code |= bits(1);
        var c = h.count[len];
        if (code - first < c) return h.sym[index + code - first];
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw damaged();
    }
    var last;
    do {
      last = bits(1);
      var type = bits(2);
      if (type === 0) {
        buf = have = 0; // to the byte boundary
        if (pos + 4 > n) throw damaged();
        var len = b[pos] | b[pos + 1] << 8;
        if ((len ^ (b[pos + 2] | b[pos + 3] << 8)) !== 0xffff || pos + 4 + len > n || o + len > size) throw damaged();
        out.set(b.subarray(pos + 4, pos + 4 + len), o);
        pos += 4 + len;
        o += len;
        continue;
      }
      var lit = FIXED.lit, dist = FIXED.dist;
      if (type === 2) {
        var nlit = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4, lens = new Uint8Array(19);
        if (nlit > 286 || ndist > 30) throw damaged();
        for (i = 0; i < ncode; i++) lens[ORDER[i]] = bits(3);
        var lencode = huffman(lens), all = new Uint8Array(nlit + ndist);
        for (i = 0; i < nlit + ndist;) {
          var s = decode(lencode), rep, val = 0;
          if (s < 16) { all[i++] = s; continue; }
          if (s === 16) {
            if (i === 0) throw damaged();
            val = all[i - 1];
            rep = 3 + bits(2);
          } else rep = s === 17 ? 3 + bits(3) : 11 + bits(7);
          if (i + rep > nlit + ndist) throw damaged();
          while (rep--) all[i++] = val;
        }
        lit = huffman(all.subarray(0, nlit));
        dist = huffman(all.subarray(nlit));
      } else if (type !== 1) throw damaged();
      for (;;) {
        var sym = decode(lit);
        if (sym < 256) {
          if (o >= size) throw damaged();
          out[o++] = sym;
        } else if (sym === 256) break;
        else {
          sym -= 257;
          if (sym >= 29) throw damaged();
          var copy = LBASE[sym] + bits(LEXT[sym]), d = decode(dist);
          if (d >= 30) throw damaged();
          d = DBASE[d] + bits(DEXT[d]);
          if (d > o || o + copy > size) throw damaged();
          for (; copy > 0; copy--, o++) out[o] = out[o - d];
        }
      }
    } while (!last);
    if (o !== size) throw damaged();
    return out;
  }
  // A stored file's bytes unpacked: a host that sent them with Content-Encoding unpacked them.
  function unpack(b) { return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b ? gunzip(b) : b; }
  // A postings chunk: key → {idf, pages} or {targets}, lengths checked first.
  function decodeChunk(buf, pageCount) {
    var pos = 0, out = new Map();
    function left() { return buf.length - pos; }
    function varint() {
      var v = 0;
      for (var shift = 0; shift < 35; shift += 7) {
        if (pos >= buf.length) throw damaged();
        var b = buf[pos++];
        v += (b & 0x7f) * Math.pow(2, shift);
        if (b < 0x80) {
          if (v > 0xffffffff) throw damaged();
          return v;
        }
      }
      throw damaged();
    }
    function byte() {
      if (pos >= buf.length) throw damaged();
      return buf[pos++];
    }
    function count(minBytes) {
      var n = varint();
      if (n > Math.floor(left() / minBytes)) throw damaged();
      return n;
    }
    function str() {
      var len = varint();
      if (len > left()) throw damaged();
      try { return utf8.decode(buf.subarray(pos, pos + len)); } catch (e) { throw damaged(); } finally { pos += len; }
    }
    while (left() > 0) {
      var key = str(), kind = byte(), k;
      if (kind === 0) {
        var idf = varint(), n = count(2), pages = new Array(n), id = 0;
        for (k = 0; k < n; k++) {
          var delta = varint();
          id += delta;
          if (id >= pageCount || (k > 0 && delta === 0)) throw damaged();
          // Impact: weighted count × 4 + 2 when in the title + 1 when the page is about it.
          var impact = varint(), weighted = Math.floor(impact / 4);
          if (weighted === 0) throw damaged();
          pages[k] = [id, weighted, (impact & 2) !== 0, (impact & 1) !== 0];
        }
        out.set(key, { idf: idf, pages: pages });
      } else if (kind === 1) {
        var t = count(2), targets = [];
        for (k = 0; k < t; k++) targets.push([str(), str()]);
        out.set(key, { targets: targets });
      } else {
        throw damaged();
      }
    }
    return out;
  }
  function lines(text) {
    return text.split('\n').filter(function (l) { return l.length > 0; }).map(function (l) { return l.split('\t'); });
  }
  // An index file's separators, one a line; the first is empty.
  function separators(text) {
    var l = text.split('\n');
    if (l[l.length - 1] === '') l.pop();
    return l;
  }

  // typo.rs

  function maxEdits(n) { return n >= TWO_EDITS ? 2 : n >= ONE_EDIT ? 1 : 0; }
  // strsim::osa_distance, in characters.
  function distance(a, b) {
    a = chars(a); b = chars(b);
    var n = a.length, m = b.length, i, j, d = [];
    for (i = 0; i <= n; i++) { d.push(new Array(m + 1)); d[i][0] = i; }
    for (j = 0; j <= m; j++) d[0][j] = j;
    for (i = 1; i <= n; i++) {
      for (j = 1; j <= m; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
        d[i][j] = v;
      }
    }
    return d[n][m];
  }

  // parse.rs

  function parse(query, prefixMode) {
    var p = { words: [], quoted: [], phrases: [], prefixLast: false };
    var trailing = /[\s"]$/u.test(query);
    var segments = query.split('"'), offset = 0;
    for (var i = 0; i < segments.length; i++) {
      var inside = i % 2 === 1;
      var tokens = tokenize(segments[i]);
      if (inside && tokens.length > 1) p.phrases.push(tokens.map(function (t) { return t.surface; }));
      var lastSeg = i === segments.length - 1;
      for (var j = 0; j < tokens.length; j++) {
        var t = tokens[j];
        var typing = prefixMode && lastSeg && j === tokens.length - 1 && !inside && !trailing;
        var repeated = !inside && p.words.some(function (w) { return w.stem === t.stem; });
        if ((t.stop || repeated) && !typing) continue;
        if (p.words.length === MAX_WORDS) break;
        t.start += offset;
        t.end += offset;
        p.prefixLast = typing;
        p.words.push(t);
        p.quoted.push(inside);
      }
      offset += chars(segments[i]).length + 1;
    }
    return p;
  }

  // query.rs

  function Clause(cover, required) {
    this.alts = [];
    this.cover = cover;
    this.required = required;
    this.stems = new Set();
  }
  Clause.prototype.push = function (alt) {
    if (this.alts.some(function (a) { return a.term === alt.term; })) return;
    var stems = this.stems;
    alt.term.split(' ').forEach(function (s) { stems.add(s); });
    this.alts.push(alt);
  };
  function popcount(x) { var n = 0; while (x) { n += x & 1; x >>>= 1; } return n; }
  function byRank(ma, sa, ia, mb, sb, ib) { return (mb - ma) || (sb > sa ? 1 : sb < sa ? -1 : 0) || (ia - ib); }

  // `load(path, binary)` resolves to a Uint8Array (binary) or a string.
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.post = new Map();
    this.vocab = new Map();
    this.texts = new Map();
    this.records = new Map();
  }
  // Index file `name` (stored as `name.gz`), unpacked: bytes, or text when not `binary`.
  Engine.prototype.file = function (name, binary) {
    return this.load(name + '.gz', true).then(function (b) {
      b = unpack(b);
      if (binary) return b;
      try { return utf8.decode(b); } catch (e) { throw damaged(); }
    });
  };
  Engine.prototype.open = async function () {
    if (this.meta) return;
    var meta = JSON.parse(await this.load('meta.json', false));
    if (meta.format !== FORMAT_VERSION) {
      throw new Error('search index format ' + meta.format + ' is not supported; rebuild the site');
    }
    var files = await Promise.all([this.file('pages.bin', true), this.file('p/index.txt', false)]), table = files[0];
    if (table.length !== meta.pages * 2 || !(meta.avg > 0)) throw damaged();
    this.postIndex = separators(files[1]);
    this.v = meta.v;
    this.table = table;
    this.meta = meta;
  };
  Engine.prototype.entry = async function (key) {
    if (this.postIndex.length === 0) return undefined;
    var i = chunkFor(this.postIndex, key), pages = this.meta.pages;
    if (!this.post.has(i)) {
      this.post.set(i, this.file('p/' + i + '.bin', true).then(function (b) { return decodeChunk(b, pages); }));
    }
    return (await this.post.get(i)).get(key);
  };
  Engine.prototype.postings = async function (term) {
    var e = await this.entry(term);
    return e && e.pages ? e : undefined;
  };
  Engine.prototype.expansion = async function (key) {
    var e = await this.entry(key);
    return e && e.targets ? e.targets : undefined;
  };
  Engine.prototype.vocabChunk = function (i) {
    if (!this.vocab.has(i)) {
      this.vocab.set(i, this.file('v/' + i + '.txt', false).then(function (text) {
        return lines(text).map(function (c) { return [c[0], c.length > 1 ? c[1] : c[0]]; });
      }));
    }
    return this.vocab.get(i);
  };
  Engine.prototype.text = function (path) {
    if (!this.texts.has(path)) this.texts.set(path, this.file(path, false));
    return this.texts.get(path);
  };
  Engine.prototype.vocabStarting = async function (prefix) {
    var out = [], firsts = separators(await this.text('v/index.txt'));
    if (firsts.length === 0) return out;
    var i = chunkFor(firsts, prefix);
    for (;;) {
      (await this.vocabChunk(i)).forEach(function (e) { if (e[0].startsWith(prefix)) out.push(e); });
      i++;
      if (i >= firsts.length || !firsts[i].startsWith(prefix)) return out;
    }
  };
  Engine.prototype.typoBucket = async function (path) {
    return lines(await this.text(path)).map(function (c) {
      if (!(c.length > 1 && /^[0-9]+$/.test(c[1]))) throw damaged();
      return { word: c[0], pages: +c[1], stem: c.length > 2 ? c[2] : c[0] };
    });
  };
  // The site's nearest words: [edits, word, stem], commonest first.
  Engine.prototype.typoCandidates = async function (word, max) {
    var len = chars(word).length, first = chars(word)[0], found = [], l;
    var range = lines(await this.text('t/index.txt')).find(function (c) { return +c[0] === first.codePointAt(0); });
    if (!range) return [];
    var paths = [];
    for (l = Math.max(len - max, 1, +range[1]); l <= Math.min(len + max, +range[2]); l++) paths.push(typoFile(first, l));
    var buckets = await Promise.all(paths.map(this.typoBucket, this));
    buckets.forEach(function (bucket) {
      bucket.forEach(function (w) {
        var d = distance(word, w.word);
        if (d >= 1 && d <= max) found.push([d, w.pages, w.word, w.stem]);
      });
    });
    if (found.length === 0) return [];
    var best = Math.min.apply(null, found.map(function (f) { return f[0]; }));
    found = found.filter(function (f) { return f[0] === best; });
    found.sort(function (a, b) { return (b[1] - a[1]) || cmp(a[2], b[2]); });
    var out = [];
    found.forEach(function (f) {
      if (out.length < TYPO_TERMS && !out.some(function (o) { return o[2] === f[3]; })) out.push([f[0], f[2], f[3]]);
    });
    return out;
  };
  // A page's record, tokenized once.
  Engine.prototype.record = function (id) {
    if (!this.records.has(id)) this.records.set(id, this.file('f/' + id + '.json', false).then(JSON.parse).then(Record));
    return this.records.get(id);
  };
  Engine.prototype.bm25 = function (idfMilli, id, weighted) {
    var len = dequantizeLen(this.table[id]);
    var norm = 0.25 + 0.75 * len / this.meta.avg;
    var t = weighted / norm;
    var idf = idfMilli / 1000.0;
    return idf * t / (t + K1);
  };
  function terms(clauses) {
    return [].concat.apply([], clauses.map(function (c) { return c.alts.map(function (a) { return a.term; }); }));
  }
  // Fetches the chunks of all `keys` at once.
  Engine.prototype.prefetch = function (keys) {
    var self = this;
    return Promise.all(keys.map(function (k) { return self.entry(k); }));
  };
  Engine.prototype.clauses = async function (parsed, query) {
    var self = this, words = parsed.words, n = words.length, clauses = [], i, len, c;
    for (i = 0; i < n; i++) {
      var t = words[i];
      c = new Clause([i], parsed.quoted[i]);
      if (!t.stop) c.push({ term: t.stem, weight: 1.0, kind: 'exact', text: t.surface });
      if (parsed.prefixLast && i === n - 1 && chars(t.surface).length >= PREFIX_MIN_LEN) {
        var entries = await this.vocabStarting(t.surface);
        entries.sort(function (a, b) { return (chars(a[0]).length - chars(b[0]).length) || cmp(a[0], b[0]); });
        for (var e = 0; e < entries.length; e++) {
          if (c.alts.length > PREFIX_TERMS) break;
          c.push({ term: entries[e][1], weight: PREFIX_WEIGHT, kind: 'prefix', text: entries[e][0] });
        }
      }
      clauses.push(c);
    }
    // What each run of unquoted words expands to.
    var runs = [];
    for (i = 0; i < n; i++) {
      for (len = 1; len <= Math.min(this.meta.tw, n - i); len++) {
        if (parsed.quoted[i + len - 1]) break;
        runs.push([i, len, words.slice(i, i + len).map(function (w) { return w.stem; }).join(' ') + EXPANSION_MARK]);
      }
    }
    await this.prefetch(terms(clauses).concat(runs.map(function (r) { return r[2]; })));
    for (var r = 0; r < runs.length; r++) {
      var targets = await this.expansion(runs[r][2]);
      if (!targets) continue;
      var alts = targets.map(function (x) { return { term: x[0], weight: SYNONYM_WEIGHT, kind: 'synonym', text: x[1] }; });
      if (runs[r][1] === 1) {
        c = clauses[runs[r][0]];
      } else {
        var cover = [];
        for (i = runs[r][0]; i < runs[r][0] + runs[r][1]; i++) cover.push(i);
        c = new Clause(cover, false);
        clauses.push(c);
      }
      alts.forEach(function (a) { c.push(a); });
    }
    await this.prefetch(terms(clauses));
    // Typo tolerance: a word that nothing matches takes the nearest words of the site.
    var corrected = [];
    for (i = 0; i < n; i++) {
      var w = words[i], max = maxEdits(chars(w.surface).length);
      if (parsed.quoted[i] || w.stop || max === 0) continue;
      var found = false;
      for (var k = 0; k < clauses.length; k++) {
        if (clauses[k].cover.indexOf(i) < 0) continue;
        for (var a = 0; a < clauses[k].alts.length; a++) {
          found = found || (await this.postings(clauses[k].alts[a].term)) !== undefined;
        }
      }
      if (found) continue;
      var cands = await this.typoCandidates(w.surface, max);
      if (cands.length > 0) corrected.push([i, cands[0][1]]);
      cands.forEach(function (x) { clauses[i].push({ term: x[2], weight: TYPO_WEIGHTS[x[0]], kind: 'typo', text: x[1] }); });
    }
    var suggestion = null;
    if (corrected.length > 0) {
      suggestion = '';
      chars(query).forEach(function (ch, k) {
        var hit = corrected.find(function (x) { return words[x[0]].start <= k && k < words[x[0]].end; });
        if (!hit) suggestion += ch;
        else if (words[hit[0]].start === k) suggestion += hit[1];
      });
    }
    await this.prefetch(terms(clauses));
    return { clauses: clauses, suggestion: suggestion };
  };
  Engine.prototype.stageOne = async function (clauses, n, section) {
    var perPage = new Map(), idf = clauses.map(function () { return 0xffffffff; }), about = [], ci, a, k;
    for (k = 0; k < n; k++) about.push(false);
    for (ci = 0; ci < clauses.length; ci++) {
      var c = clauses[ci];
      for (a = 0; a < c.alts.length; a++) {
        var alt = c.alts[a], p = await this.postings(alt.term);
        if (p === undefined) continue;
        idf[ci] = Math.min(idf[ci], p.idf);
        for (k = 0; k < p.pages.length; k++) {
          var id = p.pages[k][0], weighted = p.pages[k][1];
          if (section !== null && this.table[this.meta.pages + id] !== section) continue;
          if (p.pages[k][3]) {
            c.cover.forEach(function (w) { about[w] = true; });
          }
          var part = alt.weight * weighted;
          var slots = perPage.get(id);
          if (!slots) { slots = clauses.map(function () { return null; }); perPage.set(id, slots); }
          var tally = slots[ci] || (slots[ci] = { weighted: 0.0, exact: false, via: null, title: false });
          tally.weighted += part;
          tally.title = tally.title || p.pages[k][2];
          if (alt.kind === 'exact') tally.exact = true;
          else if (tally.via === null || part > tally.via[1]) tally.via = [a, part];
        }
      }
    }
    // Common words do not count for coverage, unless the query has nothing else.
    var rare = 0;
    for (k = 0; k < n; k++) if (idf[k] >= COMMON_IDF_MILLI) rare |= 1 << k;
    var ideas = rare || (1 << n) - 1, self = this, out = [];
    perPage.forEach(function (slots, id) {
      var i, k;
      for (i = 0; i < clauses.length; i++) if (clauses[i].required && slots[i] === null) return;
      var scores = slots.map(function (t, i) { return t === null ? 0.0 : self.bm25(idf[i], id, t.weighted); });
      var covered = 0, titled = 0;
      clauses.forEach(function (c, i) {
        if (slots[i] === null) return;
        var bits = c.cover.reduce(function (b, w) { return b | (1 << w); }, 0);
        covered |= bits;
        if (slots[i].title) titled |= bits;
      });
      // A run of words that expands to a phrase is read word by word or as the phrase.
      var best = [0.0];
      for (k = 1; k <= n; k++) {
        best.push(best[k - 1] + scores[k - 1]);
        for (i = n; i < clauses.length; i++) {
          var start = clauses[i].cover[0], end = clauses[i].cover[clauses[i].cover.length - 1] + 1;
          if (end === k && best[start] + scores[i] > best[k]) best[k] = best[start] + scores[i];
        }
      }
      var total = best[n];
      var inTitle = popcount(titled);
      if (2 * inTitle > n) total *= 1.0 + TITLE_BONUS * inTitle / n;
      var exact = function (w) { return slots[w] !== null && slots[w].exact; };
      var via = clauses.map(function (c, i) {
        var t = slots[i];
        if (t === null || t.exact || c.cover.every(exact) || t.via === null) return null;
        return t.via[0];
      });
      out.push({ id: id, score: total, covered: covered, ideas: ideas, matched: popcount(covered & ideas), via: via });
    });
    out.sort(function (x, y) { return byRank(x.matched, x.score, x.id, y.matched, y.score, y.id); });
    return { ranked: out, about: about, ideas: ideas };
  };
  // Resolves to the hits (Rust's Hit); the array carries `absent` and `suggestion` too.
  Engine.prototype.search = async function (query, opts) {
    await this.open();
    opts = opts || {};
    var limit = opts.limit === undefined ? 10 : opts.limit, section = null;
    if (opts.section) {
      section = this.meta.sections.findIndex(function (s) { return s[0] === opts.section; });
      if (section < 0) throw new Error('no section ' + JSON.stringify(opts.section));
    }
    var parsed = parse(query, !!opts.prefix), hits = [];
    hits.absent = [];
    hits.suggestion = null;
    if (parsed.words.length === 0 || limit === 0) return hits;
    var n = parsed.words.length;
    var cl = await this.clauses(parsed, query), clauses = cl.clauses;
    var st = await this.stageOne(clauses, n, section), ranked = st.ranked;
    // When no page matches every idea: the ideas no page is about.
    var absent = [];
    if (!(ranked.length > 0 && ranked[0].matched === popcount(st.ideas))) {
      parsed.words.forEach(function (w, i) { if ((st.ideas & (1 << i)) !== 0 && !st.about[i]) absent.push(w.surface); });
    }
    var next = 0, self = this;
    while (hits.length < limit && next < ranked.length) {
      if (parsed.phrases.length > 0 && next >= PHRASE_CHECKS) break;
      var win = ranked.slice(next, Math.min(next + WINDOW, ranked.length));
      next += WINDOW;
      var recs = await Promise.all(win.map(function (r) { return self.record(r.id); }));
      var scored = [];
      win.forEach(function (r, k) {
        var hit = pageHit(recs[k], r, parsed, clauses);
        if (hit) scored.push([hit, r]);
      });
      scored.sort(function (x, y) { return byRank(x[1].matched, x[0].score, x[1].id, y[1].matched, y[0].score, y[1].id); });
      scored.forEach(function (s) { hits.push(s[0]); });
    }
    hits.length = Math.min(hits.length, limit);
    hits.absent = absent;
    hits.suggestion = cl.suggestion;
    return hits;
  };

  // hit.rs

  function Unit(text) { this.tokens = tokenize(text); }
  Unit.prototype.has = function (stems) {
    return this.tokens.some(function (t) { return !t.stop && stems.has(t.stem); });
  };
  Unit.prototype.count = function (stems) {
    return this.tokens.filter(function (t) { return !t.stop && stems.has(t.stem); }).length;
  };
  Unit.prototype.proximity = function (a, b) {
    var content = this.tokens.filter(function (t) { return !t.stop; });
    var lastA = -1, lastB = -1, nearest = Infinity;
    for (var j = 0; j < content.length; j++) {
      var inA = a.has(content[j].stem), inB = b.has(content[j].stem);
      if (inA && (inB || (j + 1 < content.length && b.has(content[j + 1].stem)))) return 1.0;
      if (inA) { lastA = j; if (lastB >= 0) nearest = Math.min(nearest, j - lastB); }
      if (inB) { lastB = j; if (lastA >= 0) nearest = Math.min(nearest, j - lastA); }
    }
    return nearest <= PROX_NEAR ? 0.5 : 0.0;
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

  function Record(frag) {
    return {
      frag: frag, title: new Unit(frag.t), desc: new Unit(frag.d),
      sections: frag.s.map(function (s) { return [new Unit(s[0]), new Unit(s[2])]; })
    };
  }
  function pageHit(rec, r, parsed, clauses) {
    var frag = rec.frag, title = rec.title, desc = rec.desc, sections = rec.sections;
    var units = [title, desc], i;
    sections.forEach(function (s) { units.push(s[0], s[1]); });
    for (var p = 0; p < parsed.phrases.length; p++) {
      var ph = parsed.phrases[p];
      if (!units.some(function (u) { return u.hasPhrase(ph); })) return null;
    }
    var words = parsed.words;
    var covered = function (i) { return (r.covered & (1 << i)) !== 0; };
    var wordStems = words.map(function (_, i) {
      var set = new Set();
      clauses.forEach(function (c) { if (c.cover.indexOf(i) >= 0) c.stems.forEach(function (s) { set.add(s); }); });
      return set;
    });
    var near = 0.0;
    for (i = 1; i < words.length; i++) {
      if (covered(i - 1) && covered(i)) {
        near += units.reduce(function (m, u) { return Math.max(m, u.proximity(wordStems[i - 1], wordStems[i])); }, 0.0);
      }
    }
    var score = r.score * (1.0 + PROX_BONUS * near);

    var titleAll = wordStems.every(function (s) { return title.has(s); });
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

    var missing = [];
    words.forEach(function (w, i) { if (!covered(i) && (r.ideas & (1 << i)) !== 0) missing.push(w.surface); });
    var via = [];
    clauses.forEach(function (c, ci) {
      var a = r.via[ci];
      if (a === null) return;
      var alt = c.alts[a];
      if (alt.kind !== 'synonym' && alt.kind !== 'typo') return;
      var v = { word: c.cover.map(function (i) { return words[i].surface; }).join(' '), matched: alt.text, kind: alt.kind };
      if (!via.some(function (o) { return o.word === v.word && o.matched === v.matched && o.kind === v.kind; })) via.push(v);
    });
    return {
      url: deep ? frag.u + '#' + anchor : frag.u,
      title: frag.t,
      breadcrumb: frag.b,
      heading: deep ? frag.s[best][0] : '',
      snippet: sn[0],
      marks: sn[1],
      score: score,
      partial: missing.length > 0,
      missing: missing,
      via: via
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

  var api = { stem: stem, tokenize: tokenize, distance: distance, parse: parse, Engine: Engine,
    chars: chars, WINDOW: WINDOW, gunzip: gunzip };
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof self === 'object') self.PedomanSearchEngine = api;
})();
