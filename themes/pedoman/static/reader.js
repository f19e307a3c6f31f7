/* Small helpers for every page, all optional: the page reads fine without them.
 * Marks tables that scroll sideways, loads checklist.js where a page has self-checks,
 * shows print buttons, and registers the service worker when the site is offline-capable. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me) return;
  var d = me.dataset;

  // A wide table says that it scrolls (the shadow at its edge is the CSS-only cue).
  var wraps = document.querySelectorAll('.table-wrap');
  function markTables() {
    for (var i = 0; i < wraps.length; i++) {
      var w = wraps[i], wide = w.scrollWidth > w.clientWidth + 1;
      var hint = w.previousElementSibling;
      var has = hint && hint.className === 'table-hint';
      if (wide && !has) {
        hint = document.createElement('p');
        hint.className = 'table-hint';
        hint.setAttribute('aria-hidden', 'true');
        hint.textContent = d.tScroll;
        w.parentNode.insertBefore(hint, w);
      } else if (!wide && has) {
        hint.remove();
      }
    }
  }
  if (wraps.length) {
    markTables();
    window.addEventListener('resize', markTables);
  }

  if (document.querySelector('.checklist')) {
    var s = document.createElement('script');
    s.src = d.checklist;
    document.head.appendChild(s);
  }

  var printers = document.querySelectorAll('[data-print]');
  for (var i = 0; i < printers.length; i++) {
    printers[i].hidden = false;
    printers[i].addEventListener('click', function () { window.print(); });
  }

  if (!d.sw || !('serviceWorker' in navigator)) return;
  // After the page has loaded, so installing never competes with the page on a slow link.
  function register() {
    navigator.serviceWorker.register(d.sw, { scope: d.scope }).catch(function () {});
  }
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
  // The search index is cached once the reader has searched (not at install: it is most of
  // the download), unless the browser asks to save data.
  document.addEventListener('pedoman:searched', function () {
    if (navigator.connection && navigator.connection.saveData) return;
    navigator.serviceWorker.ready.then(function (reg) { reg.active.postMessage('save-search'); });
  });
  var box = document.querySelector('.offline-save');
  if (!box) return;
  var button = box.querySelector('button'), size = box.querySelector('.offline-size');
  var status = box.querySelector('.offline-status');
  function mb(bytes) {
    return (bytes / 1048576).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 }) + ' MB';
  }
  function fill(text, m) {
    return text.replace('{done}', m.done).replace('{total}', m.total).replace('{size}', mb(m.bytes || 0));
  }
  navigator.serviceWorker.addEventListener('message', function (e) {
    var m = e.data || {};
    if (m.type === 'status') {
      box.hidden = false;
      size.textContent = size.textContent + ' ' + mb(m.bytes);
      if (m.saved >= m.total) status.textContent = fill(d.tSaved, m);
    } else if (m.type === 'progress') {
      status.textContent = fill(d.tSaving, m);
    } else if (m.type === 'saved') {
      button.disabled = false;
      status.textContent = fill(m.failed ? d.tFailed : d.tSaved, m);
    }
  });
  navigator.serviceWorker.ready.then(function (reg) {
    reg.active.postMessage('status');
    button.addEventListener('click', function () {
      button.disabled = true;
      reg.active.postMessage('save-all');
    });
  });
})();
