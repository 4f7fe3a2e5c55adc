// The rich-text editor draws an editable area beside the textarea its label points at;
// name that area by the same label, so screen readers announce which field it is.
(function () {
  "use strict";

  function nameEditors() {
    document.querySelectorAll(".ProseMirror[contenteditable]").forEach(function (area) {
      if (area.hasAttribute("aria-labelledby")) return;
      var row = area.closest(".form-row");
      var textarea = row && row.querySelector("textarea[id]");
      var label = textarea && document.querySelector('label[for="' + textarea.id + '"]');
      if (!label) return;
      label.id = label.id || textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
      area.setAttribute("aria-multiline", "true");
    });
  }

  // The editor is built asynchronously (a module), so watch for it to appear.
  new MutationObserver(nameEditors).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", nameEditors);
})();
