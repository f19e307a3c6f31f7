/* Pedoman service worker: keeps the guide readable offline. Generated at build time; the
 * settings below list this build's files. Installing caches the theme, the home, offline and
 * search pages; the search index once the reader has searched (it is most of the download, so a
 * slow link never pays for it before it is used). Pages come from the network first (the cache
 * answers when the network fails or is slow); theme files and the search index come from the
 * cache first. Every cache name carries the build's hash: a new build replaces the old files. */
'use strict';
var CONFIG = {{ config | safe }};
var PREFIX = 'pedoman:' + CONFIG.scope + ':';
var CACHE = PREFIX + CONFIG.build;
var SLOW_MS = 3000;

/** Fetches `urls` into the cache, four at a time (gentle on slow links and small servers);
 * `each` hears of every one done. Rejects if any fails and `strict` is set. */
function store(urls, strict, each) {
  var queue = urls.slice(), failed = 0;
  return caches.open(CACHE).then(function (cache) {
    function worker() {
      var url = queue.shift();
      if (url === undefined) return Promise.resolve();
      return cache.match(url).then(function (hit) {
        if (hit) return;
        return fetch(url).then(function (response) {
          if (!response.ok) throw new Error(url + ': ' + response.status);
          return cache.put(url, response);
        });
      }).catch(function (e) {
        if (strict) throw e;
        failed++;
      }).then(function () {
        if (each) each();
        return worker();
      });
    }
    return Promise.all([worker(), worker(), worker(), worker()]);
  }).then(function () { return failed; });
}

self.addEventListener('install', function (event) {
  event.waitUntil(store(CONFIG.precache, true).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PREFIX) === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

/** A page's cache key: its address without query or fragment. */
function pageKey(url) {
  var u = new URL(url);
  return u.origin + u.pathname;
}

function put(key, response) {
  return caches.open(CACHE).then(function (cache) { return cache.put(key, response); });
}

/** Network first; the cached copy if the network fails or takes longer than SLOW_MS. */
function page(request) {
  var key = pageKey(request.url);
  var cached = caches.open(CACHE).then(function (cache) { return cache.match(key); });
  var network = fetch(request).then(function (response) {
    if (response.ok) put(key, response.clone());
    return response;
  });
  return new Promise(function (resolve) {
    var done = false;
    function answer(response) {
      if (!done && response) { done = true; resolve(response); }
    }
    var timer = setTimeout(function () { cached.then(answer); }, SLOW_MS);
    network.then(function (response) { clearTimeout(timer); answer(response); }, function () {
      clearTimeout(timer);
      cached.then(function (hit) {
        return hit || caches.match(CONFIG.offline, { cacheName: CACHE });
      }).then(function (response) { answer(response || Response.error()); });
    });
  });
}

/** Cache first. The index under search/ is one build's whole, so its query (`?v=`) is ignored. */
function file(request) {
  var url = new URL(request.url);
  var loose = url.pathname.indexOf(CONFIG.scope + 'search/') === 0;
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: loose }).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      }, function () {
        return cache.match(request, { ignoreSearch: true }).then(function (h) { return h || Response.error(); });
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(CONFIG.scope) !== 0) return;
  event.respondWith(request.mode === 'navigate' ? page(request) : file(request));
});

/** How many of the guide's pages are cached. */
function savedCount() {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(CONFIG.pages.map(function (p) { return cache.match(p); }));
  }).then(function (hits) { return hits.filter(Boolean).length; });
}

/** Fetches the search index and every page not cached yet, reporting pages to `tell`. */
function saveAll(tell) {
  var total = CONFIG.pages.length, done = 0;
  return store(CONFIG.search, false).then(function (missed) {
    return store(CONFIG.pages, false, function () {
      done++;
      tell({ type: 'progress', done: done, total: total });
    }).then(function (failed) { return failed + missed; });
  }).then(function (failed) {
    tell({ type: 'saved', total: total, failed: failed, bytes: CONFIG.bytes });
  });
}

self.addEventListener('message', function (event) {
  var client = event.source;
  function tell(message) { if (client) client.postMessage(message); }
  if (event.data === 'status') {
    event.waitUntil(savedCount().then(function (n) {
      tell({ type: 'status', saved: n, total: CONFIG.pages.length, bytes: CONFIG.bytes });
    }));
  } else if (event.data === 'save-search') {
    event.waitUntil(store(CONFIG.search, false));
  } else if (event.data === 'save-all') {
    event.waitUntil(saveAll(tell));
  }
});
