// lrlab serve's page: polls the JSON routes (framework/serve/lrlab/serve/routes.hpp) every two
// seconds and redraws; no page reload, nothing from outside this server.
"use strict";
const poll_ms = 2000;
let selected = null;

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
}

function seconds(s) {
  if (s === undefined || s === null) return "";
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}

async function get(path) {
  const r = await fetch(path, {cache: "no-store"});
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

async function refresh_experiments() {
  const list = await get("/api/experiments");
  const body = document.querySelector("#experiments tbody");
  body.replaceChildren();
  for (const e of list) {
    const row = document.createElement("tr");
    row.className = "selectable" + (e.id === selected ? " selected" : "");
    row.dataset.id = e.id;
    for (const v of [e.id, e.name, e.kind, e.created_at, e.finished + " / " + e.trials]) cell(row, v);
    row.addEventListener("click", () => { selected = e.id; tick(); });
    body.appendChild(row);
  }
  if (selected === null && list.length > 0) selected = list[0].id;
}

async function refresh_progress() {
  if (selected === null) return;
  const p = await get("/api/experiments/" + selected + "/progress");
  document.querySelector("#progress-section").hidden = false;
  document.querySelector("#progress-title").textContent = "Progress of " + p.name;
  const share = p.trials > 0 ? p.finished / p.trials : 0;
  document.querySelector("#progress-bar").style.width = (100 * share).toFixed(1) + "%";
  let text = p.finished + " of " + p.trials + " trials finished";
  if (p.running) text += ", running for " + seconds(p.elapsed_seconds);
  if (p.eta_seconds !== undefined) text += ", about " + seconds(p.eta_seconds) + " left";
  document.querySelector("#progress-text").textContent = text;
  const counts = document.querySelector("#progress-counts tbody");
  counts.replaceChildren();
  for (const [status, n] of Object.entries(p.by_status)) {
    const row = document.createElement("tr");
    row.dataset.status = status;
    cell(row, status);
    cell(row, n);
    counts.appendChild(row);
  }
}

async function tick() {
  const status = document.querySelector("#db-status");
  try {
    await refresh_experiments();
    await refresh_progress();
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (err) {
    status.textContent = "cannot reach the server: " + err.message;
  }
}

tick();
setInterval(tick, poll_ms);
