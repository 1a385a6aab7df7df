// LottoPro's API explorer: reads /openapi.json and lists every operation
// with its parameters, an example body where the document gives one, and a
// form that sends the request to this service and shows the answer. Nothing
// is loaded from elsewhere (the page's policy allows this origin only).
"use strict";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

// A JSON example for a request body: the document's own, else one built
// from the schema's properties and their defaults.
function example(schema, doc, depth = 0) {
  if (!schema || depth > 4) return null;
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return example(doc.components.schemas[name], doc, depth + 1);
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.oneOf || schema.anyOf) return example((schema.oneOf || schema.anyOf)[0], doc, depth + 1);
  if (schema.type === "object" || schema.properties) {
    const out = {};
    for (const [k, v] of Object.entries(schema.properties || {})) {
      if ((schema.required || []).includes(k)) out[k] = example(v, doc, depth + 1);
    }
    return out;
  }
  if (schema.type === "array") return [];
  if (schema.type === "integer" || schema.type === "number") return schema.minimum ?? 0;
  if (schema.type === "boolean") return false;
  return "";
}

function operation(doc, path, method, op, index) {
  const id = `op-${index}`;
  const form = el("form", { "data-method": method.toUpperCase(), "data-path": path });
  const params = (op.parameters || []).filter((p) => p.in === "query" || p.in === "path");
  for (const p of params) {
    const input = el("input", { name: p.name, "data-in": p.in, id: `${id}-${p.name}` });
    form.append(el("label", { for: `${id}-${p.name}` }, `${p.name} (${p.in}${p.required ? ", required" : ""})`), input);
  }
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (body) {
    const text = el("textarea", { name: "body", rows: "6", id: `${id}-body` });
    text.value = JSON.stringify(example(body, doc), null, 2);
    form.append(el("label", { for: `${id}-body` }, "JSON body"), text);
  }
  const token = path.startsWith("/admin");
  if (token) {
    form.append(el("label", { for: `${id}-token` }, "Admin token"), el("input", { name: "token", type: "password", id: `${id}-token` }));
  }
  form.append(el("button", { type: "submit" }, "Send"));
  const answer = el("pre", { class: "answer", "aria-live": "polite" });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const input of form.querySelectorAll("input[data-in]")) {
      if (!input.value) continue;
      if (input.dataset.in === "path") url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
      else query.append(input.name, input.value);
    }
    if ([...query].length) url += `?${query}`;
    const init = { method: form.dataset.method, headers: {} };
    if (form.elements.body) {
      init.body = form.elements.body.value;
      init.headers["Content-Type"] = "application/json";
    }
    if (form.elements.token?.value) init.headers.Authorization = `Bearer ${form.elements.token.value}`;
    answer.textContent = "…";
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch (_) {}
      answer.textContent = `${response.status} ${response.statusText}\n${shown.slice(0, 20000)}`;
    } catch (error) {
      answer.textContent = String(error);
    }
  });
  return el(
    "details",
    { class: "operation", id },
    el("summary", {}, el("code", {}, `${method.toUpperCase()} ${path}`), ` ${op.summary || ""}`),
    el("p", { class: "note" }, op.description || ""),
    form,
    answer,
  );
}

document.addEventListener("DOMContentLoaded", async () => {
  const list = document.getElementById("operations");
  try {
    const doc = await (await fetch("/openapi.json")).json();
    document.getElementById("api-version").textContent = `${doc.info.title} ${doc.info.version}`;
    let index = 0;
    const groups = {};
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "post", "put", "delete", "patch"].includes(method)) continue;
        const tag = (op.tags || ["other"])[0];
        groups[tag] = groups[tag] || [];
        groups[tag].push(operation(doc, path, method, op, index++));
      }
    }
    for (const [tag, ops] of Object.entries(groups)) {
      list.append(el("section", {}, el("h2", {}, tag), ...ops));
    }
  } catch (error) {
    list.textContent = String(error);
  }
});
