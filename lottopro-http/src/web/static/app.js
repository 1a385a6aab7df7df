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

// Every form with data-target posts itself (delegated, so that forms in
// answers — undo, edit, delete, claim — work too) and puts the HTML the
// server answers into the element named by data-target. An error goes next
// to the form's fields (its .form-error), marking the field it names, and
// leaves the rest of the page as it was. data-reset clears the form after a
// success; data-refresh names a list to reload afterwards.
async function submit(form) {
  const target = document.getElementById(form.dataset.target);
  const slot = form.querySelector(".form-error");
  const button = form.querySelector("button[type=submit]");
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  if (slot) slot.innerHTML = "";
  if (button) button.disabled = true;
  if (target) target.setAttribute("aria-busy", "true");
  const fail = (html) => {
    const place = slot || target;
    if (!place) return;
    place.innerHTML = html;
    const named = place.querySelector("[data-field]");
    const field = named && form.elements[named.dataset.field];
    if (field && field.setAttribute) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  };
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
    let html;
    if (type.startsWith("text/html")) {
      html = await response.text();
    } else {
      // A problem+json answer (e.g. 429 from the rate limit), rendered by
      // the server in the page's language when it can be.
      const problem = await response.json();
      const p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      const retry = Number(response.headers.get("retry-after") || 60);
      const limited = response.status === 429 && document.body.dataset.tooMany;
      p.textContent = limited
        ? document.body.dataset.tooMany.replace("{minutes}", String(Math.max(1, Math.ceil(retry / 60))))
        : `${problem.title}: ${problem.detail}`;
      html = p.outerHTML;
    }
    if (!response.ok) {
      fail(html);
      return;
    }
    if (target) target.innerHTML = html;
    if ("reset" in form.dataset) {
      form.reset();
      form.dispatchEvent(new Event("lottopro:reset"));
    }
    if (form.dataset.refresh) refresh(form.dataset.refresh);
  } catch (error) {
    const p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = document.body.dataset.offline || String(error);
    fail(p.outerHTML);
  } finally {
    if (target) target.removeAttribute("aria-busy");
    if (button) button.disabled = false;
  }
}

// Reloads a list (My tickets) in place.
async function refresh(id) {
  const el = document.getElementById(id);
  if (!el) return;
  try {
    const lang = document.documentElement.lang || "ko";
    const response = await fetch(`/ui/saved?lang=${lang}`, { credentials: "same-origin" });
    if (response.ok) el.innerHTML = await response.text();
  } catch (offline) {
    // The list stays as it was.
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-target]");
  if (!form) return;
  event.preventDefault();
  submit(form);
});

document.addEventListener("DOMContentLoaded", () => {
  tick();
  setInterval(tick, 30000);
  grid();
  share();
  push();
  // A link URL opens on its confirmation.
  if (new URLSearchParams(location.search).has("code")) {
    const link = document.getElementById("link");
    if (link) link.scrollIntoView();
  }
});

// The ball grid: each game (A–E) is a line of the textarea; tapping a ball
// toggles it in the current game, six balls move on to the next game, and
// Auto fills the rest of the current game at random. The textarea stays
// the truth, so typing works as well.
function grid() {
  const box = document.querySelector("[data-grid]");
  if (!box) return;
  const form = box.closest("form");
  const area = form.elements.ticket;
  const picks = 6;
  let current = 0;
  box.hidden = false;
  const games = () => {
    const lines = area.value.split(/[;\n]/).map((l) => l.trim());
    const out = [];
    for (let i = 0; i < 5; i++) {
      out.push((lines[i] || "").split(/[\s,]+/).filter(Boolean).map(Number).filter((n) => n >= 1 && n <= 45));
    }
    return out;
  };
  const write = (all) => {
    let last = all.length;
    while (last > 0 && all[last - 1].length === 0) last--;
    area.value = all.slice(0, last).map((g) => g.sort((a, b) => a - b).join(" ")).join("\n");
    show();
  };
  const show = () => {
    const all = games();
    for (const ball of box.querySelectorAll("[data-n]")) {
      ball.setAttribute("aria-pressed", String(all[current].includes(Number(ball.dataset.n))));
    }
    for (const tab of box.querySelectorAll("[data-game]")) {
      const i = Number(tab.dataset.game);
      tab.setAttribute("aria-pressed", String(i === current));
      tab.querySelector("[data-game-numbers]").textContent = all[i].join(" ");
    }
  };
  box.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-game]");
    const ball = event.target.closest("[data-n]");
    const all = games();
    if (tab) {
      current = Number(tab.dataset.game);
      show();
    } else if (ball) {
      const n = Number(ball.dataset.n);
      const g = all[current];
      const at = g.indexOf(n);
      if (at >= 0) g.splice(at, 1);
      else if (g.length < picks) g.push(n);
      if (g.length === picks && current < 4) current++;
      write(all);
    } else if (event.target.closest("[data-auto]")) {
      const g = all[current];
      const random = new Uint32Array(1);
      while (g.length < picks) {
        crypto.getRandomValues(random);
        const n = (random[0] % 45) + 1;
        if (!g.includes(n)) g.push(n);
      }
      if (current < 4) current++;
      write(all);
    } else if (event.target.closest("[data-clear]")) {
      all[current] = [];
      write(all);
    }
  });
  area.addEventListener("input", show);
  form.addEventListener("lottopro:reset", () => {
    current = 0;
    show();
  });
  show();
}

// Sharing My tickets as text, through the Web Share API where the browser
// has it.
function share() {
  const button = document.querySelector("[data-share]");
  if (!button || !navigator.share) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const lines = [...document.querySelectorAll("#saved-list .round-group")].map((group) => {
      const head = group.querySelector("h3");
      const games = [...group.querySelectorAll(".ticket")].map((t) => {
        const letter = t.querySelector(".letter");
        const balls = [...t.querySelectorAll(".ball")].map((b) => b.textContent).join(" ");
        return `${letter ? letter.textContent + " " : ""}${balls}`;
      });
      return [head ? head.textContent : "", ...games].join("\n");
    });
    navigator.share({ title: "LottoPro", text: lines.join("\n\n") }).catch(() => {});
  });
}

// Result notifications: the button subscribes this browser (see
// subscribePush, with the service's key) where the browser can.
function push() {
  const button = document.querySelector("[data-push]");
  const status = document.querySelector("[data-push-status]");
  if (!button || !status) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || typeof subscribePush !== "function") {
    status.textContent = status.dataset.unsupported;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await subscribePush();
      status.textContent = status.dataset.on;
    } catch (error) {
      status.textContent = String(error.message || error);
    } finally {
      button.disabled = false;
    }
  });
}

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
