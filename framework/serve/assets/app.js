// lrlab serve's page: polls the JSON routes (framework/serve/lrlab/serve/routes.hpp) every two
// seconds and redraws what changed; no page reload, nothing from outside this server. Two views,
// chosen by the address's fragment: #/experiment/ID (progress, summary, curves, parameters) and
// #/trial/ID (one trial's configuration, curves, events and provenance).
"use strict";
const poll_ms = 2000;
const default_plotted = 8;       // trials plotted until the reader ticks others
const max_plotted = 64;          // the server's max_curve_trials
const summary_page = 50, trials_page = 200;

const state = {
  view: null,                    // {kind: "experiment" | "trial", id}
  experiments: [],
  finished: -1,                  // the finished count the summary, trials and parameters were read at
  metric: "",                    // "" : summary's default
  summary_offset: 0, trials_offset: 0,
  trials: [],                    // the page of trials shown
  chosen: null,                  // Set of trial ids the reader ticked; null: the default
  x: "step", log_x: false,
  log_y: {lr: true},             // per panel; absent: linear
  param: "", param_log_x: false, param_log_y: false,
  params_data: null,             // the last /params answer
  curves_key: "",                // what the curves on screen were drawn from
  plotted: "",                   // "id:steps ..." of the curves on screen
};

const $ = sel => document.querySelector(sel);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function row_of(cells) {
  const tr = el("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? wrap_td(c) : el("td", c));
  return tr;
}

function wrap_td(node) { const td = el("td"); td.appendChild(node); return td; }

function num(v) {
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(+v.toPrecision(4));
}

function seconds(s) {
  if (s === undefined || s === null) return "";
  if (s < 90) return Math.round(s) + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}

async function get(path) {
  const r = await fetch(path, {cache: "no-store"});
  const body = await r.json().catch(() => ({error: "not JSON"}));
  if (!r.ok) throw new Error(body.error || path + ": " + r.status);
  return body;
}

function parse_hash() {
  const m = /^#\/(experiment|trial)\/(\d+)$/.exec(location.hash);
  return m ? {kind: m[1], id: Number(m[2])} : null;
}

// ---- experiments and progress -------------------------------------------------------------

async function refresh_experiments() {
  state.experiments = await get("/api/experiments");
  const body = $("#experiments tbody");
  body.replaceChildren();
  const current = state.view && state.view.kind === "experiment" ? state.view.id : null;
  for (const e of state.experiments) {
    const tr = row_of([e.id, e.name, e.kind, e.created_at, e.finished + " / " + e.trials]);
    tr.className = "selectable" + (e.id === current ? " selected" : "");
    tr.dataset.id = e.id;
    tr.addEventListener("click", () => { location.hash = "#/experiment/" + e.id; });
    body.appendChild(tr);
  }
  if (state.view === null && state.experiments.length > 0) location.hash = "#/experiment/" + state.experiments[0].id;
}

async function refresh_progress(id) {
  const p = await get("/api/experiments/" + id + "/progress");
  $("#progress-title").textContent = "Progress of " + p.name + " (" + p.kind + ")";
  const share = p.trials > 0 ? p.finished / p.trials : 0;
  $("#progress-bar").style.width = (100 * share).toFixed(1) + "%";
  let text = p.finished + " of " + p.trials + " trials finished";
  if (p.running) text += ", running for " + seconds(p.elapsed_seconds);
  else if (p.elapsed_seconds !== undefined) text += " (the last run took " + seconds(p.elapsed_seconds) + ")";
  if (p.eta_seconds !== undefined) text += ", about " + seconds(p.eta_seconds) + " left";
  $("#progress-text").textContent = text;
  const counts = $("#progress-counts tbody");
  counts.replaceChildren();
  for (const [status, n] of Object.entries(p.by_status)) {
    const tr = row_of([status, n]);
    tr.dataset.status = status;
    if (n === 0) tr.className = "muted";
    counts.appendChild(tr);
  }
  return p;
}

// ---- summary ------------------------------------------------------------------------------

function pager(where, offset, total, page, go) {
  where.replaceChildren();
  if (total <= page) return;
  where.appendChild(el("span", "rows " + (offset + 1) + "–" + Math.min(total, offset + page) + " of " + total + " "));
  for (const [label, to] of [["previous", offset - page], ["next", offset + page]]) {
    const b = el("button", label);
    b.disabled = to < 0 || to >= total;
    b.addEventListener("click", () => go(to));
    where.appendChild(b);
  }
}

function fill_select(select, values, current) {
  const now = Array.from(select.options).map(o => o.value).join("\n");
  if (now !== values.join("\n")) {
    select.replaceChildren();
    for (const v of values) select.appendChild(new Option(v, v));
  }
  select.value = current;
}

async function refresh_summary(id) {
  const q = "?offset=" + state.summary_offset + "&limit=" + summary_page + (state.metric ? "&metric=" + encodeURIComponent(state.metric) : "");
  let s;
  try {
    s = await get("/api/experiments/" + id + "/summary" + q);
  } catch (err) {
    $("#verdict").replaceChildren(el("p", "no summary yet: " + err.message, "muted"));
    $("#summary-table thead").replaceChildren();
    $("#summary-table tbody").replaceChildren();
    return;
  }
  fill_select($("#metric"), s.metrics, s.metric);
  $("#metric-line").textContent = s.metric_line;
  $("#verdict").replaceChildren(...s.verdicts.map(v => el("p", v, "verdict")));
  $("#warnings").replaceChildren(...s.warnings.map(w => el("li", w)));
  $("#resources").textContent = s.resources;
  const head = el("tr");
  for (const c of s.columns) head.appendChild(el("th", c));
  $("#summary-table thead").replaceChildren(head);
  const body = $("#summary-table tbody");
  body.replaceChildren(...s.rows.map(r => {
    const tr = row_of(r.map(num));
    if (r[0] === 1) tr.className = "best";
    return tr;
  }));
  pager($("#summary-pager"), s.offset, s.total, summary_page, to => { state.summary_offset = to; refresh_summary(id); });
}

// ---- trials and curves --------------------------------------------------------------------

function matches_filter(t) {
  const words = $("#trial-filter").value.toLowerCase().split(/\s+/).filter(w => w);
  const text = ("#" + t.trial_id + " " + t.status + " repeat=" + t.repeat + " " + t.label).toLowerCase();
  return words.every(w => text.includes(w));
}

function plotted_ids() {
  if (state.chosen !== null) return Array.from(state.chosen);
  // Until the reader chooses: the trials running now, then the latest to finish (by trial order),
  // eight in all: what a live view is for. Ticking a trial fixes the choice.
  const running = state.trials.filter(t => t.status === "running");
  const done = state.trials.filter(t => t.status !== "running" && t.status !== "pending").reverse();
  return running.concat(done).slice(0, default_plotted).map(t => t.trial_id).sort((a, b) => a - b);
}

function choose(ids) {
  state.chosen = new Set(ids.slice(0, max_plotted));
  render_trials();
  refresh_curves(state.view.id, true);
}

function render_trials() {
  const plotted = new Set(plotted_ids());
  const body = $("#trials tbody");
  body.replaceChildren();
  for (const t of state.trials) {
    if (!matches_filter(t)) continue;
    const box = el("input");
    box.type = "checkbox";
    box.checked = plotted.has(t.trial_id);
    box.addEventListener("change", () => {
      const now = new Set(plotted_ids());
      if (box.checked) now.add(t.trial_id); else now.delete(t.trial_id);
      choose(Array.from(now));
    });
    const link = el("a", "#" + t.trial_id);
    link.href = "#/trial/" + t.trial_id;
    const tr = row_of([box, link, t.repeat, t.status, t.steps_done + (t.budget_steps ? " / " + t.budget_steps : ""), t.label,
                       num(t.best_val_loss), num(t.test_loss)]);
    tr.dataset.trial = t.trial_id;
    tr.className = "status-" + t.status;
    body.appendChild(tr);
  }
}

async function refresh_trials(id) {
  const t = await get("/api/experiments/" + id + "/trials?offset=" + state.trials_offset + "&limit=" + trials_page);
  state.trials = t.trials;
  $("#trial-count").textContent = t.total;
  render_trials();
  pager($("#trials-pager"), t.offset, t.total, trials_page, to => { state.trials_offset = to; refresh_trials(id); });
}

function label_of(trial_id) {
  const t = state.trials.find(t => t.trial_id === trial_id);
  return t ? "#" + trial_id + " " + t.label + " repeat " + t.repeat : "#" + trial_id;
}

// The panels of a set of trials' curves: the rate (unless it is the x axis), the training loss,
// then every evals metric; one line per trial in each.
function panels_of(curves) {
  const names = [];
  if (state.x !== "lr") names.push("lr");
  names.push("train_loss");
  for (const c of curves) for (const m of Object.keys(c.evals)) if (!names.includes(m)) names.push(m);
  return names;
}

function draw_curves(where, legend, curves, labels) {
  legend.replaceChildren(...curves.map((c, i) => {
    const item = el("span", labels(c.trial_id) + " (" + c.status + ")", "legend-item");
    item.style.borderColor = color_of(i);
    return item;
  }));
  where.replaceChildren();
  for (const name of panels_of(curves)) {
    const panel = el("div", null, "panel");
    panel.dataset.panel = name;
    const box = el("input");
    box.type = "checkbox";
    box.checked = !!state.log_y[name];
    box.addEventListener("change", () => { state.log_y[name] = box.checked; draw_curves(where, legend, curves, labels); });
    const toggle = el("label", null, "log-toggle");
    toggle.append(box, " log y");
    const chart = el("div", null, "chart");
    panel.append(toggle, chart);
    where.appendChild(panel);
    const lines = curves.map((c, i) => {
      const s = name === "lr" || name === "train_loss" ? c.steps : c.evals[name];
      const ys = !s ? [] : name === "lr" ? s.lr : name === "train_loss" ? s.train_loss : s.value;
      return {label: labels(c.trial_id), color: color_of(i), xs: s ? s[state.x] : [], ys: ys};
    });
    const x_label = state.x === "lr" ? "learning rate" : state.x;
    draw_panel(chart, {title: name === "lr" ? "learning rate" : name, x_label: x_label, y_label: name, lines: lines,
                       log_x: state.log_x, log_y: !!state.log_y[name]});
    panel.dataset.points = chart.dataset.points;
  }
}

async function refresh_curves(id, force) {
  const ids = plotted_ids();
  const key = ids.join(",") + "|" + state.x + "|" + state.log_x + "|" + JSON.stringify(state.log_y);
  const live = state.trials.some(t => ids.includes(t.trial_id) && (t.status === "running" || t.status === "pending"));
  if (!force && key === state.curves_key && !live) return;
  state.curves_key = key;
  if (ids.length === 0) {
    state.plotted = "";
    $("#legend").replaceChildren();
    $("#curves").replaceChildren(el("p", "no trial has started yet", "muted"));
    return;
  }
  const c = await get("/api/experiments/" + id + "/curves?trials=" + ids.join(","));
  state.plotted = c.trials.map(t => t.trial_id + ":" + t.steps.points).join(" ");
  draw_curves($("#curves"), $("#legend"), c.trials, label_of);
}

// ---- searched parameters ------------------------------------------------------------------

async function refresh_params(id) {
  state.params_data = await get("/api/experiments/" + id + "/params" + (state.metric ? "?metric=" + encodeURIComponent(state.metric) : ""));
  draw_params();
}

function draw_params() {
  const p = state.params_data;
  if (!p || p.params.length === 0) {
    $("#params-section").hidden = true;
    return;
  }
  $("#params-section").hidden = false;
  if (!p.params.includes(state.param)) set_param(p.params[0]);
  fill_select($("#param"), p.params, state.param);
  const values = p.trials.map(t => t.params[state.param]);
  const numeric = values.every(v => typeof v === "number");
  const categories = numeric ? null : Array.from(new Set(values.map(String))).sort();
  const with_value = p.trials.filter(t => t.value !== null);
  const xs = with_value.map(t => numeric ? t.params[state.param] : categories.indexOf(String(t.params[state.param])));
  draw_panel($("#params-plot"), {title: p.metric + " by " + state.param, x_label: state.param, y_label: p.metric, points: true,
                                 categories: categories, log_x: numeric && state.param_log_x, log_y: state.param_log_y,
                                 lines: [{label: p.metric, color: color_of(0), xs: xs, ys: with_value.map(t => t.value)}]});
  $("#params-note").textContent = with_value.length + " of " + p.total + " trials have a value of " + p.metric +
      (p.total > p.trials.length ? " (the first " + p.trials.length + " shown)" : "");
}

// A newly chosen parameter starts on a log axis when its values are positive numbers spanning a
// decade or more (rates, weight decays), on a linear one otherwise.
function set_param(name) {
  state.param = name;
  const values = state.params_data.trials.map(t => t.params[name]).filter(v => typeof v === "number");
  const positive = values.length > 0 && values.every(v => v > 0);
  state.param_log_x = positive && Math.max(...values) / Math.min(...values) >= 10;
  $("#param-log-x").checked = state.param_log_x;
}

// ---- one trial ----------------------------------------------------------------------------

async function refresh_trial(id) {
  const t = await get("/api/trials/" + id);
  $("#trial-title").textContent = "Trial #" + t.trial_id + ": " + t.label + ", repeat " + t.repeat;
  $("#trial-back").href = "#/experiment/" + t.experiment_id;
  const facts = [["experiment", t.provenance.experiment.name + " (id " + t.experiment_id + ")"], ["status", t.status],
                 ["error", t.error], ["seed", t.seed], ["trial_key", t.trial_key],
                 ["steps", t.steps_done + (t.budget_steps ? " of " + t.budget_steps : "")], ["wall_seconds", num(t.wall_seconds)]];
  for (const k of ["final_train_loss", "final_val_loss", "best_val_loss", "final_val_accuracy", "test_loss", "test_accuracy", "selected_step"])
    facts.push([k, num(t[k])]);
  $("#trial-facts tbody").replaceChildren(...facts.filter(f => f[1] !== null && f[1] !== "").map(f => row_of(f)));
  $("#trial-config").textContent = JSON.stringify(t.config, null, 2);
  $("#trial-events tbody").replaceChildren(...t.events.rows.map(e => row_of([e.step, e.epoch, e.source, e.kind, num(e.old_lr), num(e.new_lr), e.message])));
  if (t.events.total > t.events.rows.length) $("#trial-events tbody").appendChild(row_of(["", "", "", "", "", "", "… " + t.events.total + " events in all"]));
  const prov = [];
  for (const [k, v] of Object.entries(t.provenance.experiment)) prov.push(["experiment." + k, v]);
  if (t.provenance.run) {
    for (const [k, v] of Object.entries(t.provenance.run)) if (k !== "plugins") prov.push(["run." + k, v]);
    for (const p of t.provenance.run.plugins) prov.push(["plugin " + p.plugin, p.version + " (sdk " + p.sdk_version + ") " + p.path + " sha256 " + p.sha256]);
  }
  $("#trial-provenance tbody").replaceChildren(...prov.map(r => row_of([r[0], num(r[1])])));
  const c = await get("/api/experiments/" + t.experiment_id + "/curves?trials=" + t.trial_id);
  draw_curves($("#trial-curves"), $("#trial-legend"), c.trials, () => "#" + t.trial_id);
  return t;
}

// The last polls as this page saw them (finished trials; each plotted trial and its recorded steps,
// "id:steps ..."), kept hidden in #poll-log: how a test tells that the page followed a sweep
// without a reload.
function log_poll(finished) {
  const log = $("#poll-log");
  const li = el("li", finished + " finished; plotted " + state.plotted);
  li.dataset.finished = finished;
  li.dataset.curves = state.plotted;
  log.appendChild(li);
  while (log.children.length > 100) log.firstChild.remove();
}

// ---- the loop -----------------------------------------------------------------------------

async function refresh_experiment(id, changed) {
  const p = await refresh_progress(id);
  if (changed || p.finished !== state.finished || p.running) {
    // Finished trials change the summary and the scatter; running ones only their curves.
    await refresh_trials(id);
    if (changed || p.finished !== state.finished) {
      await refresh_summary(id);
      await refresh_params(id);
    }
    state.finished = p.finished;
  }
  await refresh_curves(id, changed);
  log_poll(p.finished);
}

let trial_done = null;  // the trial view's trial, once it has finished (nothing more to poll)

async function tick(changed) {
  const view = parse_hash();
  if (JSON.stringify(view) !== JSON.stringify(state.view)) {
    state.view = view;
    changed = true;
    if (view && view.kind === "experiment") {
      Object.assign(state, {finished: -1, summary_offset: 0, trials_offset: 0, chosen: null, curves_key: "", trials: [], param: "", params_data: null});
    }
    trial_done = null;
  }
  $("#experiment-view").hidden = !(view && view.kind === "experiment");
  $("#trial-view").hidden = !(view && view.kind === "trial");
  $("#experiments-section").hidden = !!(view && view.kind === "trial");
  const status = $("#db-status");
  try {
    await refresh_experiments();
    if (view && view.kind === "experiment") await refresh_experiment(view.id, changed);
    if (view && view.kind === "trial" && trial_done !== view.id) {
      const t = await refresh_trial(view.id);
      if (t.status !== "running" && t.status !== "pending") trial_done = view.id;
    }
    status.textContent = "updated " + new Date().toLocaleTimeString();
    status.className = "muted";
  } catch (err) {
    status.textContent = err.message;
    status.className = "error";
    // A trial that is not there: say so instead of an empty page.
    if (view && view.kind === "trial" && !$("#trial-title").textContent.startsWith("Trial #" + view.id + ":")) {
      $("#trial-title").textContent = err.message;
      for (const sel of ["#trial-facts tbody", "#trial-events tbody", "#trial-provenance tbody", "#trial-curves", "#trial-legend"])
        $(sel).replaceChildren();
      $("#trial-config").textContent = "";
    }
  }
}

function redraw() { if (state.view && state.view.kind === "experiment") refresh_curves(state.view.id, true); }

$("#metric").addEventListener("change", e => {
  state.metric = e.target.value;
  state.summary_offset = 0;
  refresh_summary(state.view.id);
  refresh_params(state.view.id);
});
$("#x-axis").addEventListener("change", e => {
  state.x = e.target.value;
  state.log_x = state.x === "lr";
  $("#log-x").checked = state.log_x;
  redraw();
});
$("#log-x").addEventListener("change", e => { state.log_x = e.target.checked; redraw(); });
$("#trial-filter").addEventListener("input", render_trials);
$("#select-shown").addEventListener("click", () => choose(state.trials.filter(matches_filter).map(t => t.trial_id)));
$("#select-none").addEventListener("click", () => choose([]));
$("#param").addEventListener("change", e => { set_param(e.target.value); draw_params(); });
$("#param-log-x").addEventListener("change", e => { state.param_log_x = e.target.checked; draw_params(); });
$("#param-log-y").addEventListener("change", e => { state.param_log_y = e.target.checked; draw_params(); });
// One tick at a time: a slow answer delays the next poll rather than piling requests up.
let busy = false;
async function poll(changed) {
  if (busy) return;
  busy = true;
  try { await tick(changed); } finally { busy = false; }
}
window.addEventListener("hashchange", () => poll(true));
poll(true);
setInterval(() => poll(false), poll_ms);
