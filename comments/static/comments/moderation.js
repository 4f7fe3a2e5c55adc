// Keyboard moderation, as in WordPress: j/k move to the next/previous reply, a approve,
// s spam, t trash, u unapprove (back to pending), z undo the last decision. A key only
// presses a button a person could also Tab to and press Enter on, so nothing here is
// needed to moderate; keys are ignored while typing in a field.
//
// On the list, a decision (or its Undo) also updates the list in place, without a page
// load, as WordPress's do: the same POST is sent, and the page it leads to replaces this
// one's content. Without script, or if that fails, the forms post and the page reloads.
(function () {
  "use strict";
  const remembered = "comments.moderation.current:" + location.pathname;
  const DECISION_KEYS = ["a", "s", "t", "u"];
  let panels = [];
  let rows = [];
  let current = -1;

  function findRows() {
    panels = Array.from(document.querySelectorAll("[data-moderation-row]"));
    rows = panels.map((panel) => panel.closest("tr") || panel);
    current = Math.min(current, rows.length - 1);
    if (rows.length === 1) {
      current = 0;
    }
  }

  function select(index, focus = true) {
    if (!rows.length) {
      return;
    }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, number) => row.classList.toggle("is-current", number === current));
    const row = rows[current];
    row.tabIndex = -1;
    if (focus) {
      row.focus();
      row.scrollIntoView({ block: "nearest" });
    }
    sessionStorage.setItem(remembered, String(current));
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (typing(event.target) || !rows.length) {
      return;
    }
    const key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      select(current + (key === "j" ? 1 : -1));
    } else if (key === "z") {
      const undo = document.querySelector("[data-moderation-undo]");
      if (undo) {
        event.preventDefault();
        undo.click();
      }
    } else if (DECISION_KEYS.includes(key) && current >= 0) {
      const button = panels[current].querySelector(`[data-shortcut="${key}"]`);
      if (button) {
        event.preventDefault();
        sessionStorage.setItem(remembered, String(current));
        button.click();
      }
    }
  });

  // --- On the list: decide without a page load -------------------------------------------

  const onList = () => document.getElementById("result_list") !== null;

  async function decideInPlace(form, submitter) {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form, submitter),
      credentials: "same-origin",
    });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const freshMain = fresh.querySelector("main");
    const freshList = fresh.getElementById("result_list") || fresh.getElementById("changelist");
    if (!response.ok || !freshMain || !freshList) {
      throw new Error("not the list");
    }
    const main = document.querySelector("main");
    main.replaceChildren(...Array.from(freshMain.childNodes));
    const count = fresh.querySelector(".pending-comments");
    const shownCount = document.querySelector(".pending-comments");
    if (count && shownCount) {
      shownCount.replaceWith(count);
    }
    if (window.Actions) {
      window.Actions(document.querySelectorAll("tr input.action-select"));
    }
    findRows();
    const said = main.querySelector(".messagelist li");
    const live = document.getElementById("moderation-status");
    if (live && said) {
      // Told to screen readers once the region is in place (a new region is not yet heard).
      const text = said.textContent.replace(/\s*Undo\s*$/, "").trim();
      setTimeout(() => (live.textContent = text), 150);
    }
    if (rows.length) {
      select(current < 0 ? 0 : current);
    } else {
      main.focus();
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const ours = form.id === "moderation-decision" || form.classList.contains("undo-form");
    if (!ours || !onList() || !window.fetch || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    // The reply decided on: its place in the list becomes current (then holding the next).
    const panel = submitter && submitter.closest("[data-moderation-row]");
    if (panel && panels.includes(panel)) {
      current = panels.indexOf(panel);
    }
    decideInPlace(form, submitter).catch(() => {
      // The ordinary way: post the form and load the page it leads to.
      if (submitter && submitter.name) {
        const chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = submitter.name;
        chosen.value = submitter.value;
        form.append(chosen);
      }
      form.submit();
    });
  });

  findRows();
  // Back after a decision without script: the same place in the list, now the next reply.
  const saved = Number.parseInt(sessionStorage.getItem(remembered) || "", 10);
  const decided = document.querySelector(".messagelist");
  if (decided && rows.length > 1 && Number.isInteger(saved) && saved >= 0) {
    select(saved);
  }
})();
