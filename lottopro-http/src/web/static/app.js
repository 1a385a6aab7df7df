// LottoPro dashboard: every form with data-target posts itself and puts the
// HTML fragment the server answers into the element named by data-target.
// All rendering (charts included) happens on the server.
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
        const response = await fetch(form.action, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
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
