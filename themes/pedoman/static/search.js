/* Pedoman search UI: the header search box and the /cari/ page, on top of the
 * engine in search-engine.js (loaded just before this file by search-loader.js).
 * No framework, no inline script or style: every text goes in as a text node. */
(function () {
  'use strict';
  var api = self.PedomanSearchEngine;
  if (!api || typeof document === 'undefined') return;
  var Engine = api.Engine, parse = api.parse, tokenize = api.tokenize, chars = api.chars, WINDOW = api.WINDOW;

  /* ---------- the search box and the /cari/ page ---------- */

  var script = document.currentScript;
  var form = document.querySelector('form.site-search');
  if (!form) return;
  var indexUrl = new URL(form.getAttribute('data-search-index'), document.baseURI);
  // Pages live beside search/: `/panduan/search/` → `/panduan/`.
  var siteBase = new URL('../', indexUrl);

  if (script && script.src) {
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('search.css', script.src).href + new URL(script.src).search;
    document.head.appendChild(css);
  }

  var engine = new Engine(function (path, binary) {
    var url = new URL(path, indexUrl);
    if (path !== 'meta.json') url.searchParams.set('v', engine.v || '');
    return fetch(url.href, path === 'meta.json' ? { cache: 'no-cache' } : {}).then(function (r) {
      if (!r.ok) throw new Error('search index: ' + r.status + ' for ' + path);
      return binary ? r.arrayBuffer().then(function (b) { return new Uint8Array(b); }) : r.text();
    });
  });
  api.engine = engine;
  window.pedomanSearch = api;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function hrefOf(hit) { return new URL(hit.url.replace(/^\//, ''), siteBase).href; }
  /** The snippet as text nodes and <mark>s: nothing from the index is parsed as HTML. */
  function marked(text, marks) {
    var frag = document.createDocumentFragment(), cs = chars(text), at = 0;
    marks.forEach(function (m) {
      if (m[0] > at) frag.appendChild(document.createTextNode(cs.slice(at, m[0]).join('')));
      frag.appendChild(el('mark', null, cs.slice(m[0], m[1]).join('')));
      at = m[1];
    });
    if (at < cs.length) frag.appendChild(document.createTextNode(cs.slice(at).join('')));
    return frag;
  }
  function titleMarks(hit, query) {
    // Highlight title words whose stems the query asks for.
    var want = new Set(parse(query, false).words.map(function (t) { return t.stem; }));
    return tokenize(hit.title).filter(function (t) { return !t.stop && want.has(t.stem); })
      .map(function (t) { return [t.start, t.end]; });
  }
  function renderHit(hit, query, id) {
    var a = el('a', 'search-hit');
    a.href = hrefOf(hit);
    if (id) { a.id = id; a.setAttribute('role', 'option'); a.setAttribute('aria-selected', 'false'); }
    var t = el('span', 'search-hit-title');
    t.appendChild(marked(hit.title, titleMarks(hit, query)));
    a.appendChild(t);
    // The home page's title starts every breadcrumb: leave it out.
    var crumbs = hit.breadcrumb.slice(1);
    if (crumbs.length) a.appendChild(el('span', 'search-hit-crumbs', crumbs.join(' \u203a ')));
    if (hit.heading) a.appendChild(el('span', 'search-hit-heading', '\u00a7 ' + hit.heading));
    var s = el('span', 'search-hit-snippet');
    s.appendChild(marked(hit.snippet, hit.marks));
    a.appendChild(s);
    return a;
  }

  var input = form.querySelector('input[type="search"]');
  var box = document.getElementById(input.getAttribute('aria-controls') || '_cari-hasil');
  var active = -1, seq = 0, timer = 0;

  function options() { return box.querySelectorAll('[role="option"]'); }
  function setActive(i) {
    var opts = options();
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, k) { o.setAttribute('aria-selected', k === active ? 'true' : 'false'); });
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  }
  function close() {
    box.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function open() {
    box.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }
  function allResultsHref(q) {
    var u = new URL('cari/', siteBase);
    u.searchParams.set('q', q);
    return u.href;
  }
  async function runBox() {
    var q = input.value, mine = ++seq;
    // One letter says too little to search on.
    if (chars(q.trim()).length < 2) { box.textContent = ''; close(); return; }
    var t0 = performance.now();
    var hits;
    api.searches = (api.searches || 0) + 1;
    try {
      hits = await engine.search(q, { limit: WINDOW, prefix: true });
    } catch (e) {
      hits = null;
    }
    if (mine !== seq) return;
    api.lastMs = performance.now() - t0;
    box.textContent = '';
    box.setAttribute('data-query', q);
    active = -1;
    input.removeAttribute('aria-activedescendant');
    if (hits === null) {
      box.appendChild(el('p', 'search-empty', 'Pencarian tidak tersedia saat ini.'));
    } else if (!hits.length) {
      box.appendChild(el('p', 'search-empty', 'Tidak ada hasil untuk \u201c' + q.trim() + '\u201d.'));
    } else {
      hits.forEach(function (h, i) { box.appendChild(renderHit(h, q, 'search-opt-' + i)); });
      var more = el('a', 'search-more', 'Lihat semua hasil');
      more.href = allResultsHref(q.trim());
      box.appendChild(more);
    }
    open();
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(runBox, 150);
  }
  input.addEventListener('input', schedule);
  input.addEventListener('focus', function () { if (input.value.trim() && box.childNodes.length) open(); });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (box.hidden) runBox(); else setActive(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active - 1); }
    else if (e.key === 'Escape') { if (!box.hidden) { e.preventDefault(); close(); } else { input.blur(); } }
    else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      window.location.href = options()[active].href;
    }
  });
  document.addEventListener('click', function (e) { if (!form.contains(e.target)) close(); });

  // The /cari/ page: results for ?q=, a section filter, and the back button.
  var page = document.querySelector('[data-search-page]');
  if (page) {
    var pageForm = page.querySelector('form');
    var pageInput = page.querySelector('input[name="q"]');
    var select = page.querySelector('select[name="bagian"]');
    var list = page.querySelector('.search-page-results');
    var status = page.querySelector('.search-page-status');
    var shown = 0, pageSeq = 0;
    engine.open().then(function () {
      engine.meta.sections.forEach(function (s) {
        var o = el('option', null, s[1]);
        o.value = s[0];
        select.appendChild(o);
      });
      fromUrl();
    }).catch(function () { status.textContent = 'Pencarian tidak tersedia saat ini.'; });
    var fromUrl = function () {
      var params = new URLSearchParams(window.location.search);
      pageInput.value = params.get('q') || '';
      select.value = params.get('bagian') || '';
      if (select.selectedIndex < 0) select.value = '';
      runPage(false);
    };
    var runPage = async function (push) {
      var q = pageInput.value, sec = select.value, mine = ++pageSeq;
      if (push) {
        var u = new URL(window.location.href);
        u.searchParams.set('q', q);
        if (sec) u.searchParams.set('bagian', sec); else u.searchParams.delete('bagian');
        history.pushState(null, '', u.href);
      }
      list.textContent = '';
      shown = 0;
      if (!q.trim()) { status.textContent = 'Ketik kata kunci untuk mencari.'; return; }
      status.textContent = 'Mencari\u2026';
      await more(q, sec, mine);
    };
    var more = async function (q, sec, mine) {
      var limit = shown + WINDOW * 2;
      var hits = await engine.search(q, { limit: limit, section: sec || null });
      if (mine !== pageSeq) return;
      hits.slice(shown).forEach(function (h) {
        var li = el('li');
        li.appendChild(renderHit(h, q));
        list.appendChild(li);
      });
      shown = hits.length;
      var old = page.querySelector('.search-page-more');
      if (old) old.remove();
      page.setAttribute('data-query', q);
      status.textContent = shown ? shown + ' hasil untuk \u201c' + q.trim() + '\u201d' + (hits.length === limit ? ' (sebagian)' : '')
        : 'Tidak ada hasil untuk \u201c' + q.trim() + '\u201d.';
      if (hits.length === limit) {
        var btn = el('button', 'search-page-more', 'Tampilkan lebih banyak');
        btn.type = 'button';
        btn.addEventListener('click', function () { more(q, sec, mine); });
        list.after(btn);
      }
    };
    pageForm.addEventListener('submit', function (e) { e.preventDefault(); runPage(true); });
    select.addEventListener('change', function () { runPage(true); });
    window.addEventListener('popstate', fromUrl);
  }

  // Typed before this script arrived? Search now.
  if (input.value.trim() && document.activeElement === input) runBox();
})();
