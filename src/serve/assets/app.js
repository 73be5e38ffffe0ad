// ntm serve: the little JavaScript the pages need (no libraries, served from the binary).
// Sorting and filtering tables, running jobs with progress and cancel, copy buttons.
"use strict";

function cellValue(row, index) {
  const cell = row.children[index];
  if (!cell) return "";
  return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
}

function makeSortable(root) {
  root.querySelectorAll("table.sortable th[data-sort]").forEach((th) => {
    if (th.dataset.bound) return;
    th.dataset.bound = "1";
    th.addEventListener("click", () => {
      const table = th.closest("table");
      const body = table.tBodies[0];
      const index = Array.from(th.parentNode.children).indexOf(th);
      const numeric = th.dataset.sort === "number";
      const ascending = th.dataset.dir !== "asc";
      table.querySelectorAll("th[data-dir]").forEach((h) => delete h.dataset.dir);
      th.dataset.dir = ascending ? "asc" : "desc";
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a, index), y = cellValue(b, index);
        const order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, document.documentElement.lang);
        return ascending ? order : -order;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}

function applyFilters(tableId) {
  const table = document.getElementById(tableId);
  if (!table) return;
  const text = document.querySelector(`[data-filter="${tableId}"]`);
  const band = document.querySelector(`[data-filter-band="${tableId}"]`);
  const needle = text ? text.value.trim().toLowerCase() : "";
  const wanted = band ? band.value : "";
  let shown = 0;
  Array.from(table.tBodies[0].rows).forEach((row) => {
    const ok = (!needle || row.textContent.toLowerCase().includes(needle)) && (!wanted || row.dataset.band === wanted);
    row.hidden = !ok;
    if (ok) shown += 1;
  });
  table.dataset.shown = String(shown);
}

function number(text) {
  // Accepts 30, 30,5 or 30.5.
  return parseFloat(String(text).replace(",", "."));
}

// The CSRF token every request that changes something sends (the server refuses it otherwise).
function csrfHeaders(extra) {
  const meta = document.querySelector('meta[name="ntm-csrf"]');
  return Object.assign({ "x-ntm-csrf": meta ? meta.content : "" }, extra || {});
}

function runJob(form) {
  const words = JSON.parse(document.getElementById("job-state").dataset.words);
  const result = document.getElementById("result");
  const progress = document.getElementById("progress");
  const stateText = document.getElementById("job-state");
  const cancel = document.getElementById("cancel");
  const run = document.getElementById("run");
  const data = new FormData(form);
  const request = { kind: form.dataset.job };
  if (data.get("objective")) request.objective = data.get("objective");
  if (data.get("time_limit")) request.time_limit = number(data.get("time_limit"));
  if (data.getAll("rules").length) request.rules = data.getAll("rules");
  if (data.get("budget")) request.budget = data.get("budget");
  if (data.get("steps")) request.steps = parseInt(data.get("steps"), 10);
  result.dataset.state = "queued";
  run.disabled = true;
  // The library's message is English: a Vietnamese page says first what kind of failure it is.
  const fail = (message, hint, messageVi) => {
    result.dataset.state = "failed";
    result.innerHTML = "";
    const p = document.createElement("p");
    p.className = "error";
    p.id = "job-error";
    const detail = message + (hint ? " (" + hint + ")" : "");
    if (messageVi && document.documentElement.lang === "vi") {
      p.textContent = messageVi + " ";
      const english = document.createElement("span");
      english.lang = "en";
      english.textContent = detail;
      p.appendChild(english);
    } else {
      p.textContent = detail;
    }
    result.appendChild(p);
    stateText.textContent = words.failed;
    run.disabled = false;
    cancel.hidden = true;
    progress.hidden = true;
  };
  fetch(`/api/s/${form.dataset.scenario}/jobs`, {
    method: "POST",
    headers: csrfHeaders({ "content-type": "application/json" }),
    body: JSON.stringify(request),
  })
    .then((r) => r.json())
    .then((job) => {
      if (job.error) return fail(job.error.message, job.error.hint, job.error.message_vi);
      cancel.hidden = false;
      progress.hidden = false;
      cancel.onclick = () => fetch(`/api/jobs/${job.id}/cancel`, { method: "POST", headers: csrfHeaders() });
      const poll = () =>
        fetch(`/api/jobs/${job.id}`)
          .then((r) => r.json())
          .then((view) => {
            progress.value = view.progress;
            stateText.textContent = `${words[view.state]} · ${view.elapsed.toFixed(1)} ${words.seconds}`;
            result.dataset.state = view.state;
            if (view.state === "queued" || view.state === "running") {
              setTimeout(poll, 400);
              return;
            }
            run.disabled = false;
            cancel.hidden = true;
            if (view.state === "done") {
              progress.value = 1;
              fetch(`/jobs/${job.id}/view`)
                .then((r) => r.text())
                .then((html) => {
                  result.innerHTML = html;
                  makeSortable(result);
                  result.dataset.state = "shown";
                });
            } else if (view.state === "failed") {
              fail(view.error, view.hint, view.error_vi);
            } else {
              result.innerHTML = "";
              progress.hidden = true;
            }
          })
          .catch(() => setTimeout(poll, 1000));
      poll();
    })
    .catch((e) => fail(String(e)));
}

function copy(button) {
  const text = button.dataset.copy;
  const done = () => {
    const label = button.textContent;
    button.textContent = "✓";
    setTimeout(() => (button.textContent = label), 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else {
    fallbackCopy(text, done);
  }
}

function fallbackCopy(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  done();
}

document.addEventListener("DOMContentLoaded", () => {
  makeSortable(document);
  document.querySelectorAll("[data-filter]").forEach((input) =>
    input.addEventListener("input", () => applyFilters(input.dataset.filter)));
  document.querySelectorAll("[data-filter-band]").forEach((select) =>
    select.addEventListener("change", () => applyFilters(select.dataset.filterBand)));
  const switcher = document.querySelector("[data-lang-switch]");
  if (switcher) switcher.href += encodeURIComponent(location.pathname + location.search);
  document.querySelectorAll("form.job").forEach((form) =>
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      runJob(form);
    }));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (button) copy(button);
  });
});
