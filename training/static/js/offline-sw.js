/* Service worker of the site (served as /sw.js): small, ours, no outside request.
   - Keeps the app's scripts, styles and icons, and an offline page for every visitor.
   - Keeps a page only when the server marks it « X-Offline-Cache: sheet »: the attendance sheets of
     today's and tomorrow's sessions, and their signing pages, for trainers. Nothing else, never
     a trainee's page.
   - A sheet form posted while the network is gone is put in the queue instead of being lost. */
"use strict";
importScripts("/static/js/offline-queue.js");

var VERSION = "v1";
var SHELL = "shell-" + VERSION, PAGES = "sheets-" + VERSION;
var SHELL_URLS = ["/hors-ligne", "/hors-ligne/brouillons", "/static/css/app.css", "/static/css/print.css",
  "/static/css/offline.css", "/static/js/app.js", "/static/js/signature.js", "/static/js/offline-queue.js",
  "/static/js/offline-sheet.js", "/static/js/offline-register.js", "/static/js/offline-drafts.js",
  "/static/img/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_URLS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL && k !== PAGES; }).map(function (k) {
      return caches.delete(k);
    }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "claim") { event.waitUntil(self.clients.claim()); }  // a page that loaded mid-activation
});

function primeShell() {  // again after a sign-out emptied every cache
  return caches.has(SHELL).then(function (has) {
    return has || caches.open(SHELL).then(function (c) { return c.addAll(SHELL_URLS); });
  }).catch(function () { return null; });
}

function dropStale() {  // a sheet kept more than 36 h ago is no longer today's or tomorrow's
  var limit = Date.now() - 36 * 3600 * 1000;
  return caches.open(PAGES).then(function (c) {
    return c.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) {
        return c.match(k).then(function (r) {
          var at = r && Date.parse(r.headers.get("Date") || "");
          return !at || at < limit ? c.delete(k) : null;
        });
      }));
    });
  }).catch(function () { return null; });
}

function fromNetworkThenKeep(request) {
  return fetch(request).then(function (response) {
    if (request.mode === "navigate") { primeShell(); dropStale(); }
    var keep = response.ok && !response.redirected && response.headers.get("X-Offline-Cache") === "sheet";
    var copy = response.clone();
    caches.open(PAGES).then(function (c) { return keep ? c.put(request.url, copy) : c.delete(request.url); });
    return response;
  }, function () {
    return caches.match(request.url).then(function (hit) {  // a kept sheet, or one of the offline pages
      if (hit) { return hit; }
      if (request.mode === "navigate") { return caches.match("/hors-ligne"); }
      return Response.error();
    });
  });
}

function staticAsset(request) {
  return caches.open(SHELL).then(function (c) {
    return c.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { c.put(request, response.clone()); }
        return response;
      });
      if (hit) { fresh.catch(function () { return null; }); return hit; }
      return fresh;
    });
  });
}

function queuePost(request) {
  var path = new URL(request.url).pathname;
  return request.formData().then(function (form) {
    var items = self.OfflineQueue.itemsFromForm(path, form, null);
    return items.reduce(function (chain, item) {
      return chain.then(function () { return self.OfflineQueue.add(item); });
    }, Promise.resolve()).then(function () {
      var anchor = items.length === 1 && items[0].participant_id ? "#p" + items[0].participant_id : "";
      return Response.redirect(self.OfflineQueue.sheetPath(path) + anchor, 303);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (request.mode === "navigate" && self.OfflineQueue.isQueueable(url.pathname)) {
      var body = request.clone();
      event.respondWith(fetch(request).catch(function () { return queuePost(body); }));
    }
    return;
  }
  if (request.method !== "GET" || url.pathname === "/sw.js") { return; }
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(staticAsset(request)); return; }
  event.respondWith(fromNetworkThenKeep(request));
});
