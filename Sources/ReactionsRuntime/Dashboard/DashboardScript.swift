/// The dashboard's script (`/ui/app.js`): plain JavaScript, no framework, a client of `/api/v1`.
enum DashboardScript {
    static let text = #"""
"use strict";
// The dashboard: a client of /api/v1 like any script. The token (if any) lives in this tab's
// sessionStorage and goes out as a Bearer header: no cookies, so no cross-site requests
// can act for the user. Every value from the API is put in the page as text, never as HTML.
(function () {
  const view = document.getElementById("view");
  const message = document.getElementById("message");
  const tokenInput = document.getElementById("token");

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "onclick" || key === "onsubmit") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    return node;
  }

  async function api(method, path) {
    const headers = {};
    const token = sessionStorage.getItem("reactions-token");
    if (token) headers["Authorization"] = "Bearer " + token;
    const response = await fetch(path, { method, headers });
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (!response.ok) {
      const detail = body && body.errors && body.errors[0] ? body.errors[0].detail : response.statusText;
      const error = new Error(response.status + ": " + detail);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function say(text) { message.textContent = text || ""; }

  function show(title, ...content) {
    view.replaceChildren(el("h2", {}, title), ...content);
  }

  function table(headers, rows) {
    return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
  }

  function status(text) { return el("span", { class: text }, text); }

  function params(values) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) if (value) query.set(key, value);
    const text = query.toString();
    return text ? "?" + text : "";
  }

  function hashParams() { return new URLSearchParams(location.hash.split("?")[1] || ""); }

  async function deploys() {
    const filter = hashParams();
    const wanted = { service: filter.get("service"), environment: filter.get("environment"), status: filter.get("status"), since: filter.get("since") };
    const form = el("form", { class: "filters", id: "deploy-filters", onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const values = {};
      for (const key of ["service", "environment", "status", "since"]) values[key] = data.get(key);
      location.hash = "deploys" + params(values);
    } },
      el("input", { name: "service", placeholder: "service", value: wanted.service || "" }),
      el("input", { name: "environment", placeholder: "environment", value: wanted.environment || "" }),
      el("select", { name: "status" }, ["", "started", "succeeded", "failed"].map((s) => el("option", { value: s, selected: s === (wanted.status || "") }, s || "any status"))),
      el("select", { name: "since" }, [["", "any time"], ["1h", "last hour"], ["2h", "last 2 hours"], ["24h", "last day"], ["7d", "last 7 days"], ["30d", "last 30 days"]]
        .map(([v, label]) => el("option", { value: v, selected: v === (wanted.since || "") }, label))),
      el("button", { type: "submit" }, "Filter"));
    let since = null;
    const match = /^(\d+)([hd])$/.exec(wanted.since || "");
    if (match) since = new Date(Date.now() - Number(match[1]) * (match[2] === "h" ? 3600e3 : 86400e3)).toISOString();
    const body = await api("GET", "/api/v1/deploys" + params({ service: wanted.service, environment: wanted.environment, since, limit: "1000" }));
    const list = body.deploys.filter((d) => !wanted.status || d.status === wanted.status);
    const latest = new Map();
    for (const d of body.deploys) {
      const key = d.service + " / " + (d.environment || "-");
      if (!latest.has(key)) latest.set(key, d);
    }
    const board = el("div", { class: "board", id: "board" }, [...latest.entries()].sort().map(([key, d]) =>
      el("div", { class: "card" }, el("a", { href: "#service?name=" + encodeURIComponent(d.service) }, key), el("br"),
        status(d.status), " #" + d.deploy_number, el("br"), el("span", { class: "muted" }, d.deployed_at))));
    const rows = list.slice(0, 200).map((d) => [
      d.received_at, el("a", { href: "#service?name=" + encodeURIComponent(d.service) }, d.service), d.environment || "-", status(d.status),
      "#" + d.deploy_number, (d.deployer && (d.deployer.name || d.deployer.email)) || "",
      d.commit ? [(d.commit.sha || "").slice(0, 10), " ", d.commit.branch || "", el("br"), el("span", { class: "muted" }, (d.commit.message || "").split("\n")[0])] : "",
      d.deploy_url ? el("a", { href: d.deploy_url, rel: "noopener noreferrer" }, "open") : "",
    ]);
    show("Deploys", form, el("h2", {}, "Latest by service and environment"), board,
      el("p", { class: "muted", id: "deploy-count" }, list.length + (list.length === 1 ? " deploy" : " deploys")),
      table(["received", "service", "environment", "status", "number", "deployer", "commit", "url"], rows));
  }

  async function service() {
    const name = hashParams().get("name") || "";
    const [body, stats] = await Promise.all([api("GET", "/api/v1/deploys" + params({ service: name, limit: "1000", since: new Date(Date.now() - 30 * 86400e3).toISOString() })),
      api("GET", "/api/v1/stats" + params({ service: name }))]);
    const days = new Map();
    for (let i = 29; i >= 0; i--) days.set(new Date(Date.now() - i * 86400e3).toISOString().slice(0, 10), { all: 0, failed: 0 });
    for (const d of body.deploys) {
      const day = days.get((d.deployed_at || "").slice(0, 10));
      if (day) { day.all++; if (d.status === "failed") day.failed++; }
    }
    const max = Math.max(1, ...[...days.values()].map((d) => d.all));
    // Plot area 300 × 90 right of a 30-unit margin for the counts, above 16 for the dates.
    const left = 30, top = 6, height = 90;
    const chart = svg("svg", { class: "chart", id: "chart", viewBox: "0 0 334 116", role: "img", "aria-label": "deploys per day, last 30 days" });
    for (const value of new Set([0, Math.ceil(max / 2), max])) {
      const y = top + height - (value / max) * height;
      chart.append(svg("line", { x1: left, y1: y, x2: left + 300, y2: y, class: value === 0 ? "axis" : "grid" }));
      const tick = svg("text", { x: left - 3, y: y, class: "label count" }); tick.textContent = String(value);
      chart.append(tick);
    }
    [...days.entries()].forEach(([date, d], i) => {
      const x = left + i * 10 + 1;
      const all = (d.all / max) * height, failed = (d.failed / max) * height;
      const bar = svg("rect", { x, y: top + height - all, width: 8, height: all });
      const title = svg("title", {}); title.textContent = date + ": " + d.all + " deploys, " + d.failed + " failed";
      bar.append(title);
      chart.append(bar);
      if (failed > 0) chart.append(svg("rect", { class: "failed", x, y: top + height - failed, width: 8, height: failed }));
      // A date under every seventh day, counted back from today, so today is always labelled.
      if ((29 - i) % 7 === 0) {
        const label = svg("text", { x: x + 4, y: top + height + 4, class: "label day" });
        label.textContent = i === 29 ? "today" : date.slice(5);
        chart.append(label);
      }
    });
    show("Service " + name, el("p", { class: "muted" }, "Deploys per day over the last 30 days (failed in red)."), chart,
      el("h2", {}, "DORA, last 30 days"), statsTable(stats));
  }

  function number(x, digits) { return x === null || x === undefined ? "-" : Number(x).toFixed(digits); }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "-";
    const s = Math.round(seconds);
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }

  function statsTable(stats) {
    return table(["service", "environment", "deploys", "failed", "per day", "frequency", "lead time (median / p90)", "failure rate", "time to restore"],
      stats.groups.map((g) => [g.service, g.environment || "-", String(g.deploys), String(g.failed), number(g.deploys_per_day, 2), g.frequency_band,
        g.lead_time_seconds.median === null ? "-" : duration(g.lead_time_seconds.median) + " / " + duration(g.lead_time_seconds.p90),
        g.change_failure_rate === null ? "-" : number(g.change_failure_rate * 100, 1) + "%", duration(g.time_to_restore_seconds.median)]));
  }

  async function stats() {
    const body = await api("GET", "/api/v1/stats");
    show("DORA metrics, " + body.since.slice(0, 10) + " to " + body.until.slice(0, 10), statsTable(body));
  }

  async function deliveries(selected) {
    const [failed, retrying, all] = await Promise.all(["failed", "retrying", ""].map((s) => api("GET", "/api/v1/deliveries" + params({ status: s, limit: "200" }))));
    const seen = new Set();
    const list = [...failed.deliveries, ...retrying.deliveries, ...all.deliveries].filter((d) => !seen.has(d.id) && seen.add(d.id));
    const detail = el("div", { id: "delivery-detail" });
    async function open(id) {
      const d = await api("GET", "/api/v1/deliveries/" + encodeURIComponent(id));
      detail.replaceChildren(el("h2", {}, "Delivery " + d.id), el("p", {}, d.reaction + " · ", status(d.status), " · event " + d.event_id),
        el("button", { id: "redeliver", onclick: async () => {
          // The list moves too (its status, its place): drawn again with this one open.
          try { await api("POST", "/api/v1/deliveries/" + encodeURIComponent(id) + "/redeliver"); say(""); await deliveries(id); }
          catch (e) { say("Redeliver refused: " + e.message); }
        } }, "Redeliver"),
        table(["attempt", "started", "ms", "result", "response"], (d.attempt_log || []).map((a) => [String(a.number), a.started_at, String(a.milliseconds),
          a.succeeded ? status("delivered") : el("span", { class: "failed" }, a.error || "failed"), el("pre", {}, a.response)])));
    }
    show("Deliveries (dead-lettered and retrying first)", table(["id", "reaction", "event", "status", "attempts", "last error"],
      list.map((d) => [el("a", { href: "#deliveries", class: "delivery", onclick: (e) => { e.preventDefault(); open(d.id); } }, d.id),
        d.reaction, d.event_type, status(d.status), String(d.attempts), d.last_error || ""])), detail);
    if (typeof selected === "string") await open(selected);
  }

  async function suggestions() {
    const body = await api("GET", "/api/v1/suggestions");
    const patch = JSON.stringify({ services: body.suggestions.map((s) => ({ name: s.service })) }, null, 2);
    show("Suggestions", el("p", { class: "muted" }, "Service names deploys used that no service declares. Declare them (or make them aliases: reactions suggestions --patch --alias-of SERVICE):"),
      table(["service", "endpoint", "deploys", "environments", "first seen", "last seen"],
        body.suggestions.map((s) => [s.service, s.endpoint, String(s.deploys), s.environments.join(", "), s.first_seen, s.last_seen])),
      el("pre", { id: "patch" }, patch));
  }

  async function revisions() {
    const list = await api("GET", "/api/v1/revisions");
    show("Revisions", table(["revision", "when", "who", "source", "changes", "hash"],
      list.map((r) => [String(r.number), r.created_at, r.created_by, r.source, "+" + r.summary.add + " ~" + r.summary.change + " -" + r.summary.destroy, r.hash.slice(0, 12)])));
  }

  async function health() {
    const [ready, state] = await Promise.all([fetch("/readyz").then((r) => r.json()), api("GET", "/api/v1/state")]);
    show("Health", table(["readiness", "served revision", "head revision", "reason"],
      [[status(ready.status), String(state.revision) + " (" + state.hash.slice(0, 12) + ")", state.head ? String(state.head.number) : "-", ready.reason || ""]]));
  }

  const views = { deploys, service, deliveries, stats, suggestions, revisions, health };

  async function render() {
    const name = (location.hash.slice(1).split("?")[0]) || "deploys";
    for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.id === "nav-" + name);
    say("");
    try {
      await (views[name] || deploys)();
    } catch (e) {
      view.replaceChildren();
      say(e.status === 401 || e.status === 404 ? "Enter an API token (REACTIONS_READ_TOKEN, or REACTIONS_ADMIN_TOKEN to redeliver) to read this server." : "Could not load: " + e.message);
    }
  }

  document.getElementById("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (tokenInput.value) sessionStorage.setItem("reactions-token", tokenInput.value); else sessionStorage.removeItem("reactions-token");
    tokenInput.value = "";
    render();
  });
  window.addEventListener("hashchange", render);
  render();
})();
"""#
}
