/* On every page, so kept tiny: loads the search UI (search.css, search-engine.js, then
 * search.js) only when the reader starts to search — focus, pointer, typing, "/" — at once on
 * /cari/ and on a page opened from a result (?h=, whose words search.js highlights). Until
 * the UI has arrived it says "Mencari…" itself; if a script fails it says so, and the next
 * keystroke tries again. */
(function () {
  'use strict';
  var form = document.querySelector('form.site-search');
  if (!form) return;
  var d = form.dataset, input = form.querySelector('input[name="q"]');
  var page = document.querySelector('[data-search-page]');
  var loading = false;

  function ready() { return !!(self.PedomanSearchEngine && self.PedomanSearchEngine.ui); }
  // Shows `text` where the reader is looking: the box's panel, or /cari/'s status line.
  function say(text, inBox) {
    if (inBox) {
      var panel = form.querySelector('.search-results');
      form.querySelector('.search-msg').textContent = text;
      form.querySelector('.search-live').textContent = text;
      panel.hidden = false;
    } else if (page) {
      page.querySelector('.search-page-status').textContent = text;
    }
  }
  function load(inBox, noIndex) {
    if (loading || ready()) return;
    loading = true;
    // The index's table of contents travels alongside the scripts; search.js takes it over.
    if (!noIndex && !self.PedomanSearchMeta && !self.PedomanSearchEngine) {
      var meta = fetch(new URL('meta.json', new URL(d.searchIndex, document.baseURI)), { cache: 'no-cache' });
      meta.catch(function () {});
      self.PedomanSearchMeta = meta;
    }
    if (!document.querySelector('link[data-search-style]')) {
      var css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = d.searchStyle;
      css.setAttribute('data-search-style', '');
      document.head.appendChild(css);
    }
    // Both download at once; async = false runs them in this order.
    var srcs = [self.PedomanSearchEngine ? '' : d.searchEngine, d.searchScript].filter(Boolean);
    var left = srcs.length;
    srcs.forEach(function (src) {
      var s = document.createElement('script');
      s.src = src;
      s.async = false;
      s.onload = s.onerror = function (e) {
        if (e.type === 'error') s.remove();
        if (--left) return;
        loading = false;
        // Said only to a reader who is waiting for results.
        if (!ready() && (!inBox || input.value.trim())) say(d.searchMsgFailed, inBox);
      };
      document.head.appendChild(s);
    });
  }

  input.addEventListener('focus', function () { load(true); });
  input.addEventListener('pointerenter', function () { load(true); });
  document.addEventListener('input', function (e) {
    var inBox = e.target === input;
    if (ready() || !(inBox || (page && page.contains(e.target)))) return;
    load(inBox);
    if (e.target.value.trim()) say(d.searchMsgSearching, inBox);
  });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
    }
  });
  var params = new URLSearchParams(location.search);
  if (page) {
    load(false);
    if (params.get('q')) say(d.searchMsgSearching, false);
  } else if (params.get('h')) {
    load(false, true);
  }
})();
