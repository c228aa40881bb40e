// The console's little script; every page works without it.
"use strict";

// Times in the viewer's zone: each <time data-local> gets its text from the browser.
function localTimes() {
  const format = new Intl.DateTimeFormat(undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short",
  });
  for (const node of document.querySelectorAll("time[data-local]")) {
    const moment = new Date(node.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) node.textContent = format.format(moment);
  }
}

// The positions chart: ticking a team highlights its line at once (the form's button does the
// same through the server without JS), and the address keeps the choice.
function chooser(form) {
  const svg = document.getElementById(form.dataset.chart);
  if (!svg) return;
  const update = () => {
    const chosen = new Set(
      Array.from(form.querySelectorAll("input[name=team]:checked"), (box) => box.value));
    for (const team of svg.querySelectorAll("g.team")) {
      team.classList.toggle("chosen", chosen.has(team.dataset.team));
    }
    svg.classList.toggle("has-chosen", chosen.size > 0);
    const query = new URLSearchParams();
    for (const team of chosen) query.append("team", team);
    const search = query.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  };
  form.addEventListener("change", update);
  for (const team of svg.querySelectorAll("g.team")) {
    team.addEventListener("click", () => {
      const box = form.querySelector(`input[value="${CSS.escape(team.dataset.team)}"]`);
      if (box) { box.checked = !box.checked; update(); }
    });
  }
}

// A round with live matches reloads itself, unless the reader is in the middle of something.
function autoRefresh() {
  const meta = document.querySelector('meta[name="bestshot-refresh"]');
  if (!meta) return;
  const seconds = Number(meta.content);
  if (!(seconds > 0)) return;
  setInterval(() => {
    const open = document.querySelector("details[open]");
    if (!document.hidden && !open) location.reload();
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes();
  for (const form of document.querySelectorAll("form.chooser")) chooser(form);
  autoRefresh();
});
