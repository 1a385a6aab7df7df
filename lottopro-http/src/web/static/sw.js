// LottoPro's service worker. The shell (style, script, icons, manifest) is
// served from the cache; pages come from the network and the last good copy
// of each is kept, so that with no connection a reload still shows the
// latest draw and the tickets saved in this browser. Nothing else is cached:
// forms and the API always go to the server.
"use strict";

const VERSION = "__VERSION__";
const SHELL = `lottopro-shell-${VERSION}`;
const PAGES = "lottopro-pages";
const ASSETS = [
  "/static/style.css",
  "/static/app.js",
  "/static/favicon.svg",
  "/static/icon-192.png",
  "/static/icon-512.png",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    // This page as last seen, else the last page seen in any language.
    const same = await cache.match(request);
    if (same) return same;
    const keys = await cache.keys();
    if (keys.length > 0) return cache.match(keys[keys.length - 1]);
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
