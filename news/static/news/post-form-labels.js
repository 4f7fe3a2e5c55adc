// Names the post form's controls that Django's admin leaves unnamed for screen readers: the
// featured image's file input (labelled by its fieldset's legend only), and each control of
// the attached papers' table (named by its column, with the row's number). The autocomplete
// widget builds its parts by script later, so the page is watched for them to appear.
(function () {
  "use strict";

  function named(control) {
    if (control.hasAttribute("aria-label") || control.hasAttribute("aria-labelledby")) return true;
    return Boolean(control.id && document.querySelector('label[for="' + control.id + '"]'));
  }

  function nameFileInputs() {
    document.querySelectorAll("fieldset > legend").forEach(function (legend) {
      var input = legend.parentElement.querySelector('input[type="file"]');
      if (!input || named(input)) return;
      legend.id = legend.id || input.id + "-legend";
      input.setAttribute("aria-labelledby", legend.id);
    });
  }

  function nameTableControls() {
    document.querySelectorAll(".inline-group .tabular table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      var first = table.querySelector("thead th.original");
      if (first && !first.textContent.trim()) {
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = "Saved as";
        first.appendChild(hidden);
      }
      var number = 0;
      table.querySelectorAll("tbody tr.form-row").forEach(function (row) {
        if (row.classList.contains("empty-form")) return;
        number += 1;
        Array.prototype.forEach.call(row.cells, function (cell, column) {
          var header = headers[column];
          if (!header) return;
          var name = header.replace(/\?$/, "") + ", row " + number;
          cell.querySelectorAll("input:not([type=hidden]), select, textarea, [role=textbox]")
            .forEach(function (control) {
              if (!named(control)) control.setAttribute("aria-label", name);
            });
        });
      });
    });
  }

  var pending = false;
  function nameAll() {
    pending = false;
    nameFileInputs();
    nameTableControls();
  }

  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(nameAll);
  }

  new MutationObserver(soon).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", soon);
})();
