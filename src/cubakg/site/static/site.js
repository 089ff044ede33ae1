// cubakg site: small enhancements; every page works without them.
"use strict";

function filterIndex(input) {
  const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const item of document.querySelectorAll("li[data-search]")) {
    const match = words.every((word) => item.dataset.search.includes(word));
    item.hidden = !match;
    if (match) shown += 1;
  }
  for (const section of document.querySelectorAll("section.kind")) {
    section.hidden = !section.querySelector("li[data-search]:not([hidden])");
  }
  const status = document.getElementById("search-status");
  if (status) status.textContent = words.length ? `${shown} found` : "";
}

function showResults(data) {
  const box = document.getElementById("results");
  const status = document.getElementById("results-status");
  box.replaceChildren();
  if (typeof data.boolean === "boolean") {
    status.textContent = data.boolean ? "Yes" : "No";
    return;
  }
  const columns = data.head.vars;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = column;
    head.appendChild(cell);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const column of columns) {
      const cell = row.insertCell();
      const value = binding[column];
      if (!value) continue;
      if (value.type === "uri") {
        const link = document.createElement("a");
        link.href = value.value;
        link.textContent = value.value;
        cell.appendChild(link);
      } else {
        cell.textContent = value.value;
      }
    }
  }
  box.appendChild(table);
  status.textContent = `${data.results.bindings.length} rows`;
}

async function runQuery(form) {
  const status = document.getElementById("results-status");
  const endpoint = new URL(document.getElementById("endpoint").value, document.baseURI);
  status.textContent = "Running…";
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: form.elements.query.value,
    });
    if (!response.ok) {
      status.textContent = `The endpoint answered ${response.status}: ${(await response.text()).slice(0, 300)}`;
      return;
    }
    showResults(await response.json());
  } catch (error) {
    status.textContent = `The endpoint could not be reached (${endpoint}): ${error.message}`;
  }
}

function setUpQueryPage(form) {
  const saved = JSON.parse(document.getElementById("saved-queries").textContent);
  const text = form.elements.query;
  const start = text.value;
  document.getElementById("saved").addEventListener("change", (event) => {
    const chosen = saved.find((query) => query.name === event.target.value);
    text.value = chosen ? chosen.text : start;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runQuery(form);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const search = document.getElementById("search");
  if (search) search.addEventListener("input", () => filterIndex(search));
  const form = document.getElementById("sparql");
  if (form) setUpQueryPage(form);
  // A marked stretch of an article leads to its evidence, like the number after it.
  for (const mark of document.querySelectorAll(".text mark[data-ev]")) {
    mark.addEventListener("click", () => {
      const first = mark.dataset.ev.split(" ").pop();
      const target = document.getElementById(first);
      if (target) target.scrollIntoView();
    });
  }
});
