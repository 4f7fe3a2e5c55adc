// Keyboard moderation, as in WordPress: j/k move to the next/previous reply, a approve,
// s spam, t trash, u unapprove (back to pending), z undo the last decision. A key only
// presses a button a person could also Tab to and press Enter on, so nothing here is
// needed to moderate; keys are ignored while typing in a field.
(function () {
  "use strict";
  const panels = Array.from(document.querySelectorAll("[data-moderation-row]"));
  if (!panels.length) {
    return;
  }
  const rows = panels.map((panel) => panel.closest("tr") || panel);
  const remembered = "comments.moderation.current:" + location.pathname;
  const DECISION_KEYS = ["a", "s", "t", "u"];
  let current = rows.length === 1 ? 0 : -1;

  function select(index) {
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, number) => row.classList.toggle("is-current", number === current));
    const row = rows[current];
    row.tabIndex = -1;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
    sessionStorage.setItem(remembered, String(current));
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (typing(event.target)) {
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

  // Back after a decision: the same place in the list, which now holds the next reply.
  const saved = Number.parseInt(sessionStorage.getItem(remembered) || "", 10);
  const decided = document.querySelector(".messagelist");
  if (decided && rows.length > 1 && Number.isInteger(saved) && saved >= 0) {
    select(saved);
  }
})();
