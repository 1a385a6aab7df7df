// LottoPro monitoring: asks for the admin token once (kept for this tab
// only), then fetches the server-rendered figures and charts every 2 s, in
// the page's language (its words for the status line are data attributes).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token");
  const status = document.getElementById("monitoring-status");
  const charts = document.getElementById("monitoring-charts");
  let timer = null;

  async function refresh() {
    const token = sessionStorage.getItem("lottopro-admin-token");
    if (!token) return;
    try {
      const lang = encodeURIComponent(document.documentElement.lang);
      const response = await fetch(`/admin/monitoring/charts?lang=${lang}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (response.status === 401) {
        sessionStorage.removeItem("lottopro-admin-token");
        status.textContent = status.dataset.refused;
        clearInterval(timer);
        return;
      }
      charts.innerHTML = await response.text();
      status.textContent = `${status.dataset.updated} ${new Date().toLocaleTimeString(document.documentElement.lang)}`;
    } catch (error) {
      status.textContent = String(error);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("lottopro-admin-token", input.value);
    input.value = "";
    clearInterval(timer);
    refresh();
    timer = setInterval(refresh, 2000);
  });

  if (sessionStorage.getItem("lottopro-admin-token")) {
    refresh();
    timer = setInterval(refresh, 2000);
  }
});
