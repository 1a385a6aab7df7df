// LottoPro dashboard: every form with data-target posts itself and puts the
// HTML fragment the server answers into the element named by data-target.
// All rendering (charts included) happens on the server.
"use strict";

// The service worker keeps the page's last copy for when there is no
// connection (see /sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

document.addEventListener("DOMContentLoaded", () => {
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
