// ombudsearch's web page: reads the state from the URL, asks the JSON API,
// and builds the DOM.
//
// Rules this file keeps:
// - The URL holds the whole state, with the API's own parameter names
//   (/?q=…&outcome=…&offset=…), so a page can be shared and the back button
//   works: every change is history.pushState + route().
// - Data never becomes markup: everything is built with createElement and
//   text nodes (never parsed as HTML), so decision and query text shows literally.
// - Snippet highlights are UTF-8 byte ranges; they are cut on the bytes
//   (TextEncoder/TextDecoder), never on JavaScript's UTF-16 indexes.
"use strict";

(() => {
  /** The search parameters, as the API and the URL spell them. */
  const PARAMS = ["q", "council", "category", "outcome", "since", "until", "cites", "sort", "limit", "offset"];
  /** Filters that may be given several times (any value lets a decision
   *  through): in the state, one value is a string and several an array. */
  const MULTI = ["council", "category", "outcome", "cites"];
  /** Filters shown as removable chips, with their labels. */
  const FILTERS = [
    ["outcome", "Outcome"],
    ["category", "Category"],
    ["council", "Council"],
    ["cites", "Cites"],
    ["since", "Since"],
    ["until", "Until"],
  ];
  const PAGE_SIZE = 10;
  const COUNCIL_MATCHES = 25;
  const SECTIONS = [
    ["Summary", "summary"],
    ["The complaint", "complaint"],
    ["The Ombudsman’s role and powers", "role_and_powers"],
    ["Reasons", "reasons"],
    ["Final decision", "final_decision"],
  ];

  const $ = (id) => document.getElementById(id);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  /** Guards against out-of-order answers: only the latest request renders. */
  let generation = 0;

  /** An element with attributes, listeners (`on…`) and text or node children. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // ---- state and navigation ------------------------------------------------

  /** The search state in the current URL. */
  function readState() {
    const u = new URLSearchParams(location.search);
    const s = {};
    for (const p of PARAMS) {
      const all = [...new Set(u.getAll(p).filter((v) => v !== ""))];
      if (all.length === 0) continue;
      s[p] = MULTI.includes(p) && all.length > 1 ? all : all[0];
    }
    return s;
  }

  /** The values of a state entry: none, one or several. */
  function valuesOf(v) {
    if (v === undefined || v === "") return [];
    return Array.isArray(v) ? v : [v];
  }

  /** A state entry's values less `v` (undefined when none is left). */
  function without(entry, v) {
    const rest = valuesOf(entry).filter((x) => x !== v);
    return rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
  }

  /** Adds a state entry to URL parameters, once per value. */
  function putParam(u, p, v) {
    for (const x of valuesOf(v)) u.append(p, x);
  }

  /** The page URL for a search state; defaults are left out. */
  function stateUrl(s) {
    const u = new URLSearchParams();
    for (const p of PARAMS) {
      const v = s[p];
      if (v === undefined || v === "") continue;
      if ((p === "offset" && String(v) === "0") || (p === "sort" && v === "relevance")) continue;
      putParam(u, p, v);
    }
    const qs = u.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  /** Goes to `url` (same origin), adding a history entry. */
  function navigate(url) {
    history.pushState(null, "", url);
    route();
  }

  /** A copy of `s` with `changes` applied (undefined removes) and paging reset. */
  function withChanges(s, changes) {
    const next = { ...s, ...changes };
    for (const [k, v] of Object.entries(changes)) if (v === undefined) delete next[k];
    if (!("offset" in changes)) delete next.offset;
    return next;
  }

  function route() {
    const m = location.pathname.match(/^\/decisions\/([^/]+)$/);
    if (m) showDecision(decodeURIComponent(m[1]));
    else showSearch(readState());
  }

  /** Fetches JSON; throws the API's `{"error"}` message on a non-2xx answer. */
  async function getJson(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await r.json();
    } catch (_) {
      body = null;
    }
    if (!r.ok) throw new Error(body && body.error ? body.error : `the server answered ${r.status}`);
    return body;
  }

  function showError(message) {
    const e = $("error");
    e.textContent = message;
    e.hidden = !message;
  }

  // ---- search view ---------------------------------------------------------

  async function showSearch(s) {
    $("results-view").hidden = false;
    $("decision-view").hidden = true;
    $("facets").hidden = false;
    $("filters-toggle").hidden = false;
    $("layout").classList.remove("single");
    $("q").value = s.q || "";
    $("sort").value = s.sort || "relevance";
    document.title = s.q ? `${s.q} – ombudsearch` : "ombudsearch: LGSCO decisions";
    renderChips(s);

    const api = new URLSearchParams();
    for (const p of PARAMS) putParam(api, p, s[p]);
    if (!api.has("limit")) api.set("limit", PAGE_SIZE);
    const mine = ++generation;
    $("main").setAttribute("aria-busy", "true");
    let resp;
    try {
      resp = await getJson("/api/search?" + api);
    } catch (err) {
      if (mine !== generation) return;
      $("main").removeAttribute("aria-busy");
      showError(err.message);
      $("count").textContent = "";
      $("results").replaceChildren();
      $("pager").replaceChildren();
      return;
    }
    if (mine !== generation) return;
    $("main").removeAttribute("aria-busy");
    showError("");
    const focusKey = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focusKey : undefined;
    renderCount(resp);
    renderResults(resp);
    renderFacets(resp.facets, s);
    renderPager(resp, s);
    restoreFocus(focusKey);
  }

  /** Puts focus back on the control with `key` after a re-render. */
  function restoreFocus(key) {
    if (!key) return;
    const again = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
    else $("main").focus();
  }

  function renderCount(resp) {
    const n = resp.total;
    const first = n === 0 ? 0 : resp.offset + 1;
    const last = resp.offset + resp.hits.length;
    const noun = n === 1 ? "decision" : "decisions";
    const shown = n > resp.hits.length && resp.hits.length > 0 ? ` (showing ${first}–${last})` : "";
    const count = $("count");
    count.replaceChildren(
      el("strong", { id: "total" }, n.toLocaleString("en-GB")),
      ` ${noun}${shown} · `,
      el("span", { id: "took" }, `${resp.took_ms.toFixed(1)} ms`),
    );
    for (const note of resp.notes || []) count.append(el("span", { class: "note" }, note));
  }

  /** A snippet's text with its byte-range highlights as <mark> elements. */
  function highlighted(snippet) {
    const frag = document.createDocumentFragment();
    const bytes = encoder.encode(snippet.text);
    let pos = 0;
    for (const [a, b] of snippet.highlights || []) {
      if (!(a >= pos && a <= b && b <= bytes.length)) continue;
      frag.append(decoder.decode(bytes.subarray(pos, a)));
      frag.append(el("mark", {}, decoder.decode(bytes.subarray(a, b))));
      pos = b;
    }
    frag.append(decoder.decode(bytes.subarray(pos)));
    return frag;
  }

  function decisionHref(caseRef) {
    return "/decisions/" + encodeURIComponent(caseRef.replace(/\s+/g, "-"));
  }

  function renderResults(resp) {
    const list = $("results");
    list.setAttribute("start", resp.offset + 1);
    if (resp.hits.length === 0) {
      list.replaceChildren(el("li", { class: "empty" }, "No decisions match. Try fewer words or remove a filter."));
      return;
    }
    list.replaceChildren(...resp.hits.map((hit) => {
      const title = `${hit.authority || "Unknown body"}${hit.case_ref ? ` (${hit.case_ref})` : ""}`;
      const heading = hit.case_ref
        ? el("a", { href: decisionHref(hit.case_ref), "data-nav": true }, title)
        : title;
      const meta = [hit.decision_date, hit.outcome, hit.category].filter(Boolean).join(" · ");
      return el("li", { class: "hit", "data-ref": hit.case_ref || "" },
        el("h3", {}, heading),
        el("p", { class: "meta" }, meta),
        (hit.snippets || []).map((sn) => el("p", { class: "snippet" }, "… ", highlighted(sn), " …")),
      );
    }));
  }

  function renderPager(resp, s) {
    const pager = $("pager");
    const limit = Number(s.limit) || PAGE_SIZE;
    const offset = resp.offset;
    const links = [];
    if (offset > 0) {
      const prev = Math.max(0, offset - limit);
      links.push(el("a", { href: stateUrl(withChanges(s, { offset: String(prev) })), "data-nav": true, rel: "prev" }, "← Previous"));
    }
    if (resp.total > 0) {
      const page = Math.floor(offset / limit) + 1;
      const pages = Math.max(1, Math.ceil(resp.total / limit));
      links.push(el("span", { class: "page" }, `Page ${page} of ${pages}`));
    }
    if (offset + resp.hits.length < resp.total) {
      links.push(el("a", { href: stateUrl(withChanges(s, { offset: String(offset + limit) })), "data-nav": true, rel: "next" }, "Next →"));
    }
    pager.replaceChildren(...links);
  }

  // ---- chips ---------------------------------------------------------------

  /** `since`/`until` spanning exactly one calendar year, as that year. */
  function wholeYear(s) {
    const m = /^(\d{4})-01-01$/.exec(s.since || "");
    return m && s.until === `${m[1]}-12-31` ? m[1] : null;
  }

  function chip(label, value, remove) {
    return el("button", {
      type: "button",
      class: "chip",
      "aria-label": `Remove filter ${label}: ${value}`,
      "data-focus-key": `chip:${label}:${value}`,
      onclick: () => navigate(stateUrl(withChanges(readState(), remove))),
    }, el("span", { class: "chip-label" }, `${label}: `), value, el("span", { class: "chip-x", "aria-hidden": "true" }, " ×"));
  }

  function renderChips(s) {
    const chips = [];
    const year = wholeYear(s);
    if (year) chips.push(chip("Year", year, { since: undefined, until: undefined }));
    for (const [key, label] of FILTERS) {
      if (year && (key === "since" || key === "until")) continue;
      for (const v of valuesOf(s[key])) chips.push(chip(label, v, { [key]: without(s[key], v) }));
    }
    $("chips").replaceChildren(...chips);
  }

  // ---- facets --------------------------------------------------------------

  /** One facet value as a toggle button: narrows to it, or (when active)
   *  drops it, keeping any other value of the same filter from the URL. */
  function facetButton(kind, label, count, active, changes) {
    const drop = (s) => {
      const next = {};
      for (const [k, v] of Object.entries(changes)) next[k] = without(s[k], v);
      return next;
    };
    return el("li", {},
      el("button", {
        type: "button",
        class: "facet-value",
        "aria-pressed": active ? "true" : "false",
        "data-focus-key": `${kind}:${label}`,
        "data-facet": kind,
        "data-value": label,
        onclick: () => {
          const s = readState();
          navigate(stateUrl(withChanges(s, active ? drop(s) : changes)));
        },
      },
      el("span", { class: "facet-label" }, label),
      el("span", { class: "facet-count" }, count.toLocaleString("en-GB"),
        el("span", { class: "visually-hidden" }, count === 1 ? " decision" : " decisions"))),
    );
  }

  function fillList(id, items) {
    const list = $(id);
    list.replaceChildren(...(items.length ? items : [el("li", { class: "none" }, "none")]));
  }

  function renderFacets(f, s) {
    fillList("facet-outcome", f.outcome.map((v) =>
      facetButton("outcome", v.value, v.count, valuesOf(s.outcome).includes(v.value), { outcome: v.value })));
    fillList("facet-category", f.category.map((top) => {
      const li = facetButton("category", top.value, top.count, valuesOf(s.category).includes(top.value), { category: top.value });
      if (top.children && top.children.length) {
        li.append(el("ul", { class: "facet-list sub" }, top.children.map((c) => {
          const sub = facetButton("category", c.value, c.count, valuesOf(s.category).includes(c.value), { category: c.value });
          const label = sub.querySelector(".facet-label");
          label.textContent = c.value.split(" > ").slice(1).join(" > ") || c.value;
          return sub;
        })));
      }
      return li;
    }));
    renderCouncils(f.authority, s);
    const year = wholeYear(s);
    fillList("facet-year", f.year.map((v) =>
      facetButton("year", v.value, v.count, year === v.value, { since: `${v.value}-01-01`, until: `${v.value}-12-31` })));
    fillList("facet-citation", f.citation.map((v) =>
      facetButton("cites", v.value, v.count, valuesOf(s.cites).includes(v.value), { cites: v.value })));
  }

  /** The council list: the top councils, or those matching the filter box. */
  let topCouncils = [];
  let allCouncils = null; // every council for the current search, fetched on demand
  function renderCouncils(top, s) {
    topCouncils = top;
    allCouncils = null;
    const box = $("council-filter");
    if (box.value.trim()) filterCouncils();
    else drawCouncils(top, s);
  }

  function drawCouncils(list, s) {
    fillList("facet-council", list.map((v) =>
      facetButton("council", v.value, v.count, valuesOf(s.council).includes(v.value), { council: v.value })));
  }

  let councilTimer = 0;
  async function filterCouncils() {
    const words = $("council-filter").value.trim().toLowerCase();
    const s = readState();
    if (!words) {
      drawCouncils(topCouncils, s);
      return;
    }
    if (allCouncils === null) {
      const api = new URLSearchParams();
      for (const p of ["q", "category", "outcome", "since", "until", "cites"]) putParam(api, p, s[p]);
      try {
        allCouncils = await getJson(`/api/facets/council?${api}`);
      } catch (err) {
        showError(err.message);
        return;
      }
    }
    const matches = allCouncils.filter((v) => v.value.toLowerCase().includes(words)).slice(0, COUNCIL_MATCHES);
    drawCouncils(matches, s);
  }

  // ---- decision view -------------------------------------------------------

  async function showDecision(ref) {
    const mine = ++generation;
    $("results-view").hidden = true;
    $("facets").hidden = true;
    $("filters-toggle").hidden = true;
    $("layout").classList.add("single");
    $("chips").replaceChildren();
    const view = $("decision-view");
    view.hidden = false;
    view.replaceChildren(el("p", {}, "Loading…"));
    document.title = `${ref} – ombudsearch`;
    let found;
    try {
      found = await getJson("/api/decisions/" + encodeURIComponent(ref));
    } catch (err) {
      if (mine !== generation) return;
      view.replaceChildren(backLink());
      showError(err.message);
      return;
    }
    if (mine !== generation) return;
    showError("");
    const decisions = Array.isArray(found) ? found : [found];
    view.replaceChildren(backLink(), ...decisions.map(renderDecision));
    const h1 = view.querySelector("h1");
    if (h1) {
      h1.setAttribute("tabindex", "-1");
      h1.focus();
      document.title = `${h1.textContent} – ombudsearch`;
    }
  }

  function backLink() {
    return el("p", { class: "back" },
      el("button", { type: "button", class: "link", onclick: () => (history.length > 1 ? history.back() : navigate("/")) }, "← Back"),
      " · ",
      el("a", { href: "/", "data-nav": true }, "New search"));
  }

  /** Paragraphs of a section body: one per line, list items kept as lines. */
  function paragraphs(text) {
    return text.split(/\n+/).filter((l) => l.trim()).map((l) => el("p", {}, l));
  }

  function renderDecision(d) {
    const meta = [
      ["Reference", d.case_ref],
      ["Council", d.authority],
      ["Category", d.category],
      ["Outcome", d.outcome],
      ["Decision date", d.decision_date],
      ["Decided by", d.decided_by],
    ].filter(([, v]) => v);
    const art = el("section", { class: "one-decision" },
      el("h1", {}, `${d.authority || "Unknown body"}${d.case_ref ? ` (${d.case_ref})` : ""}`),
      el("dl", { class: "facts" }, meta.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    );
    for (const [title, key] of SECTIONS) {
      if (d[key]) art.append(el("section", { class: "part" }, el("h2", {}, title), paragraphs(d[key])));
    }
    art.append(renderCitations(d));
    return art;
  }

  function renderCitations(d) {
    const part = el("section", { class: "part citations" }, el("h2", {}, "Citations"));
    if (!d.citations || d.citations.length === 0) {
      part.append(el("p", {}, "This decision cites no statute."));
      return part;
    }
    const list = el("ul", {});
    for (const key of d.citations) {
      const count = el("span", { class: "cited-by" });
      list.append(el("li", {},
        el("a", { href: stateUrl({ cites: key }), "data-nav": true }, key), " ", count));
      getJson(`/api/search?${new URLSearchParams({ cites: key, limit: "0" })}`)
        .then((r) => { count.textContent = `cited by ${r.total} ${r.total === 1 ? "decision" : "decisions"}`; })
        .catch(() => {});
    }
    part.append(el("p", {}, "Each link lists the decisions that cite the provision."), list);
    return part;
  }

  // ---- wiring --------------------------------------------------------------

  function wire() {
    $("search-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const s = withChanges(readState(), { q: $("q").value.trim() || undefined });
      navigate(stateUrl(s));
    });
    $("sort").addEventListener("change", () => {
      navigate(stateUrl(withChanges(readState(), { sort: $("sort").value })));
    });
    $("council-filter").addEventListener("input", () => {
      clearTimeout(councilTimer);
      councilTimer = setTimeout(filterCouncils, 150);
    });
    $("filters-toggle").addEventListener("click", () => {
      const open = $("facets").classList.toggle("open");
      $("filters-toggle").setAttribute("aria-expanded", open ? "true" : "false");
    });
    // Same-page links navigate without a reload (modifier clicks still open tabs).
    document.addEventListener("click", (ev) => {
      const a = ev.target.closest && ev.target.closest("a[data-nav]");
      if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      navigate(a.getAttribute("href"));
      if (!$("results-view").hidden) window.scrollTo(0, 0);
    });
    window.addEventListener("popstate", route);
  }

  wire();
  route();
})();
