// LottoPro's pages: every form with data-target posts itself and puts the
// HTML fragment the server answers into the element named by data-target.
// All rendering (charts included) happens on the server. Where the browser
// offers a barcode detector, My tickets can scan a QR code with the camera.
"use strict";

// The service worker keeps the page's last copy for when there is no
// connection (see /sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

// Countdowns to the next draw: data-at is its start in Unix seconds,
// data-units the words for days, hours and minutes.
function tick() {
  const now = Date.now() / 1000;
  for (const el of document.querySelectorAll("[data-at]")) {
    const left = Math.max(0, Math.floor(Number(el.dataset.at) - now));
    const [d, h, m] = (el.dataset.units || "d,h,min").split(",");
    el.textContent = `${Math.floor(left / 86400)}${d} ${Math.floor((left % 86400) / 3600)}${h} ${Math.floor((left % 3600) / 60)}${m}`;
  }
}

// A wheel's print button (no inline handlers under the page's policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    document.body.classList.add("printing-wheel");
    window.print();
    document.body.classList.remove("printing-wheel");
  }
});

document.addEventListener("DOMContentLoaded", () => {
  tick();
  setInterval(tick, 30000);
  for (const form of document.querySelectorAll("form[data-target]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const target = document.getElementById(form.dataset.target);
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      target.setAttribute("aria-busy", "true");
      try {
        // A form with a file goes as multipart, the others as a plain form.
        const data = new FormData(form);
        const multipart = form.enctype === "multipart/form-data";
        const response = await fetch(form.action, {
          method: "POST",
          body: multipart ? data : new URLSearchParams(data),
          credentials: "same-origin",
        });
        const type = response.headers.get("content-type") || "";
        if (type.startsWith("text/html")) {
          target.innerHTML = await response.text();
        } else {
          // A problem+json answer (e.g. 429 from the rate limit).
          const problem = await response.json();
          target.textContent = `${problem.title}: ${problem.detail}`;
          target.className = "error";
        }
      } catch (error) {
        target.textContent = String(error);
      } finally {
        target.removeAttribute("aria-busy");
        if (button) button.disabled = false;
      }
    });
  }
});

// The camera scan: the video shows what the camera sees until a QR code is
// found; its text goes into the form, which is sent as if typed.
async function scan(form, button) {
  const video = document.getElementById("scan-video");
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment" },
  });
  video.srcObject = stream;
  video.hidden = false;
  button.disabled = true;
  await video.play();
  const stop = () => {
    for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
    button.disabled = false;
  };
  const look = async () => {
    try {
      const codes = await detector.detect(video);
      if (codes.length > 0) {
        stop();
        form.elements.url.value = codes[0].rawValue;
        form.requestSubmit();
        return;
      }
    } catch (error) {
      stop();
      return;
    }
    setTimeout(look, 250);
  };
  look();
}

document.addEventListener("DOMContentLoaded", () => {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  for (const button of document.querySelectorAll("[data-scan]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      scan(button.closest("form"), button).catch((error) => {
        button.disabled = false;
        const result = document.getElementById(button.closest("form").dataset.target);
        result.textContent = String(error);
      });
    });
  }
});

// Web Push: subscribes this browser to notifications of its tickets (the
// browser asks the player first). It fetches the service's VAPID key,
// subscribes with the browser's push service and hands the subscription to
// the service, which keeps it under this browser's client token. Resolves to
// the subscription; rejects with a message when push is unavailable or refused.
async function subscribePush() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    throw new Error("push notifications are not available in this browser");
  }
  const registration = await navigator.serviceWorker.ready;
  const answer = await fetch("/api/push/key", { credentials: "same-origin" });
  if (!answer.ok) throw new Error(`push key: ${answer.status}`);
  const { key } = await answer.json();
  const subscription =
    (await registration.pushManager.getSubscription()) ||
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const response = await fetch("/api/push/subscribe", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(subscription),
    credentials: "same-origin",
  });
  if (!response.ok) {
    const problem = await response.json();
    throw new Error(`${problem.title}: ${problem.detail}`);
  }
  return subscription;
}
window.subscribePush = subscribePush;
