// LottoPro's service worker. The shell (style, script, icons, manifest) is
// served from the cache; pages come from the network and the last good copy
// of each is kept, so that with no connection a reload still shows the
// latest draw (home) and the tickets saved in this browser (My tickets). Each page says
// whose it is (X-LottoPro-Owner, a tag of the player's key, or "none"); when that changes
// (the token removed on a shared device, or another player) every kept page is dropped,
// so nobody reads the last player's tickets offline. Nothing else is cached:
// forms and the API always go to the server. A Web Push message (a checked ticket, see
// /api/push/subscribe) is shown as a notification; tapping it opens the ticket's page.
"use strict";

const VERSION = "__VERSION__";
const SHELL = `lottopro-shell-${VERSION}`;
const PAGES = "lottopro-pages";
const PAGE_PATHS = ["/", "/stats", "/predict", "/share", "/wheels", "/tickets", "/draws", "/tools"];
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

// The kept pages belong to one owner at a time.
const OWNER_KEY = "/__lottopro-owner";

async function keep(cache, request, response) {
  const owner = response.headers.get("X-LottoPro-Owner") || "none";
  const kept = await cache.match(OWNER_KEY);
  const last = kept ? await kept.text() : "none";
  if (last !== owner) {
    // Pages kept for nobody ("none") hold nothing personal and may stay.
    if (last !== "none") {
      for (const key of await cache.keys()) {
        await cache.delete(key);
      }
    }
    await cache.put(OWNER_KEY, new Response(owner));
  }
  await cache.put(request, response.clone());
}

async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await keep(cache, request, response);
    }
    return response;
  } catch (offline) {
    // This page as last seen (in any language), else the home page.
    const same =
      (await cache.match(request)) ||
      (await cache.match(request, { ignoreSearch: true })) ||
      (await cache.match("/", { ignoreSearch: true }));
    if (same) return same;
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGE_PATHS.includes(url.pathname)) {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// A push message carries a notice as JSON: {title, body, url, tag}. A newer notice
// with the same tag replaces the older one.
self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch (notJson) {
    notice = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: notice.body || "",
    icon: "/static/icon-192.png",
    badge: "/static/icon-192.png",
    data: { url: notice.url || "/tickets" },
  };
  if (notice.tag) options.tag = notice.tag;
  event.waitUntil(self.registration.showNotification(notice.title || "LottoPro", options));
});

// Opens the notice's page (only ever a page of this service), in a tab that
// already shows it if there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/tickets", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((open) => {
      for (const client of open) {
        if (client.url === url.href && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(url.href);
    }),
  );
});
