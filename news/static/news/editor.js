// The post form's writing aids: the editor's spell-check and plain toolbar, pictures and
// papers in the text, autosave with an offer to restore, a warning before leaving unsaved
// work, and tags suggested from existing ones. Addresses come from the body's textarea
// (news.admin_forms.PostAdminForm); every request carries the form's CSRF token.
(function () {
  "use strict";

  // data-name of the library's buttons: [visible text, full name]. Plain characters every
  // system font has, instead of the library's icon font.
  var LABELS = {
    heading2: ["H2", "Heading 2"],
    heading3: ["H3", "Heading 3"],
    heading4: ["H4", "Heading 4"],
    bulletList: ["• List", "Bulleted list"],
    orderedList: ["1. List", "Numbered list"],
    orderedListProperties: ["1. Options", "Numbered list options"],
    blockquote: ["“ Quote”", "Quote"],
    horizontalRule: ["— Line", "Dividing line"],
    bold: ["B", "Bold"],
    italic: ["I", "Italic"],
    link: ["Link", "Link (select some text first)"],
    unlink: ["Unlink", "Remove link"],
    "history:undo": ["Undo", "Undo"],
    "history:redo": ["Redo", "Redo"],
  };
  var AUTOSAVED = ["title", "slug", "excerpt", "body", "tags", "signature", "image_alt", "event_location"];

  var form = null;
  var textarea = null;
  var editor = null;
  var dirty = false; // changed since the page loaded (or the last restore)
  var unsent = false; // changed since the last autosave
  var submitting = false;

  function csrfToken() {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function post(url, data, keepalive) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      keepalive: !!keepalive,
    });
  }

  // --- The editor: spell-check, plain toolbar, pictures and papers -----------------------

  function prepareEditor(area) {
    area.setAttribute("spellcheck", "true");
    if (textarea.dataset.lang) area.setAttribute("lang", textarea.dataset.lang);
  }

  function relabel(menubar) {
    menubar.querySelectorAll("button[data-name]").forEach(function (button) {
      var label = LABELS[button.dataset.name];
      if (!label) return;
      button.classList.remove("material-icons", "prose-menubar__button--heading");
      button.classList.add("news-editor-button");
      button.textContent = label[0];
      button.title = label[1];
      button.setAttribute("aria-label", label[1]);
    });
  }

  // After a picture is inserted it stays selected; typing or inserting would replace it.
  function collapseSelection() {
    var selection = editor.state.selection;
    if (selection.node) editor.commands.setTextSelection(selection.to);
  }

  function fieldError(container, message) {
    var error = container.querySelector(".errorlist");
    if (!message) {
      if (error) error.remove();
      return;
    }
    if (!error) {
      error = el("p", { class: "errorlist", role: "alert" });
      container.append(error);
    }
    error.textContent = message;
  }

  function dialog(title, body, actions) {
    var heading = el("h2", { text: title, id: "news-dialog-" + Math.random().toString(36).slice(2) });
    var box = el("dialog", { class: "news-editor-dialog", "aria-labelledby": heading.id }, [
      heading,
    ].concat(body, [el("div", { class: "news-editor-dialog-actions" }, actions)]));
    document.body.append(box);
    box.addEventListener("close", function () {
      box.remove();
      if (editor) editor.commands.focus();
    });
    box.showModal();
    return box;
  }

  function field(id, labelText, input, help) {
    input.id = id;
    var children = [el("label", { for: id, text: labelText }), input];
    if (help) {
      input.setAttribute("aria-describedby", id + "-help");
      children.push(el("p", { class: "help", id: id + "-help", text: help }));
    }
    return el("div", { class: "news-editor-field" }, children);
  }

  function pictureDialog() {
    var file = el("input", { type: "file", name: "picture", accept: "image/jpeg,image/png,image/webp,image/gif", required: "" });
    var alt = el("input", { type: "text", name: "alt", required: "", spellcheck: "true", lang: textarea.dataset.lang || "" });
    var fileField = field("news-picture-file", "Picture (JPEG, PNG or WebP)", file);
    var altField = field(
      "news-picture-alt",
      "Description (required)",
      alt,
      "Describe the picture for people who cannot see it."
    );
    var insert = el("button", { type: "button", class: "default", text: "Insert picture" });
    var cancel = el("button", { type: "button", text: "Cancel" });
    var box = dialog("Insert a picture", [fileField, altField], [insert, cancel]);
    cancel.addEventListener("click", function () {
      box.close();
    });
    insert.addEventListener("click", function () {
      fieldError(fileField, file.files.length ? "" : "Please choose a picture.");
      fieldError(altField, alt.value.trim() ? "" : "Please describe the picture for people who cannot see it.");
      if (!file.files.length || !alt.value.trim()) return;
      var data = new FormData();
      data.append("picture", file.files[0]);
      data.append("alt", alt.value.trim());
      insert.disabled = true;
      post(textarea.dataset.pictureUrl, data)
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          insert.disabled = false;
          if (!result.ok) {
            var errors = result.answer.errors || {};
            fieldError(fileField, errors.picture || "");
            fieldError(altField, errors.alt || "");
            return;
          }
          var picture = result.answer;
          editor
            .chain()
            .focus()
            .setImage({ src: picture.src, alt: picture.alt, width: picture.width, height: picture.height })
            .run();
          collapseSelection();
          box.close();
        })
        .catch(function () {
          insert.disabled = false;
          fieldError(fileField, "The picture could not be sent: please try again.");
        });
    });
  }

  function paperDialog() {
    var search = el("input", { type: "search", name: "paper-search", autocomplete: "off" });
    var results = el("ul", { class: "news-paper-results", "aria-live": "polite" });
    var searchField = field("news-paper-search", "Search papers by title", search);
    var cancel = el("button", { type: "button", text: "Cancel" });
    var box = dialog("Link to a paper", [searchField, results], [cancel]);
    cancel.addEventListener("click", function () {
      box.close();
    });
    var timer = null;
    function find() {
      var url = textarea.dataset.paperUrl + "?q=" + encodeURIComponent(search.value.trim());
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          results.textContent = "";
          if (!answer.papers.length) {
            results.append(el("li", { text: "No paper has a title like that." }));
          }
          answer.papers.forEach(function (paper) {
            var choose = el("button", { type: "button", class: "news-paper-choice" }, [
              el("bdi", { text: paper.title }),
              " — " + paper.label,
            ]);
            choose.addEventListener("click", function () {
              collapseSelection();
              editor
                .chain()
                .focus()
                .insertContent([
                  { type: "text", text: paper.title, marks: [{ type: "link", attrs: { href: paper.url } }] },
                  { type: "text", text: " (" },
                  { type: "text", text: paper.label, marks: [{ type: "link", attrs: { href: paper.download_url } }] },
                  { type: "text", text: ") " },
                ])
                .run();
              box.close();
            });
            results.append(el("li", {}, [choose]));
          });
        });
    }
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(find, 250);
    });
    find();
  }

  function addOwnButtons(menubar) {
    var picture = el("button", { type: "button", class: "prose-menubar__button news-editor-button", title: "Insert a picture", "aria-label": "Insert a picture", text: "Picture" });
    var paper = el("button", { type: "button", class: "prose-menubar__button news-editor-button", title: "Link to a paper", "aria-label": "Link to a paper", text: "Paper" });
    picture.addEventListener("click", pictureDialog);
    paper.addEventListener("click", paperDialog);
    var group = el("div", { class: "prose-menubar__group" });
    if (textarea.dataset.pictureUrl) group.append(picture);
    if (textarea.dataset.paperUrl) group.append(paper);
    if (group.childElementCount) menubar.append(group);
  }

  // --- Never losing work -----------------------------------------------------------------

  function status(message) {
    var box = document.getElementById("news-autosave-status");
    if (!box) {
      box = el("p", { id: "news-autosave-status", class: "help", role: "status" });
      textarea.closest(".form-row").append(box);
    }
    box.textContent = message;
  }

  function autosave(keepalive) {
    if (!unsent || submitting || !textarea.dataset.autosaveUrl) return;
    var data = new FormData();
    AUTOSAVED.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && "value" in input) data.append(name, input.value);
    });
    unsent = false;
    post(textarea.dataset.autosaveUrl, data, keepalive)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        status("Draft autosaved at " + answer.saved_at + " (the post itself changes only when you save it).");
      })
      .catch(function () {
        unsent = true;
        if (!keepalive) status("Autosave failed: your text is still here; save the post to keep it.");
      });
  }

  function restore(fields) {
    Object.keys(fields).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (!input || !("value" in input)) return;
      if (name === "body" && editor) editor.commands.setContent(fields.body);
      input.value = fields[name];
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function offerRestore() {
    if (!textarea.dataset.autosaveUrl || textarea.dataset.autosaveOffer === "no") return;
    fetch(textarea.dataset.autosaveUrl, { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (!answer.fields) return;
        var text = "Restore the autosaved text from " + answer.saved_at;
        var yes = el("button", { type: "button", class: "button default", text: text });
        var no = el("button", { type: "button", class: "button", text: "Keep the text shown" });
        var offer = el("div", { class: "news-autosave-offer", role: "region", "aria-label": "Autosaved text" }, [
          el("p", { text: "You have text autosaved at " + answer.saved_at + " that was not saved with the post." }),
          yes,
          " ",
          no,
        ]);
        yes.addEventListener("click", function () {
          restore(answer.fields);
          offer.remove();
          status("Autosaved text from " + answer.saved_at + " restored: save the post to keep it.");
        });
        no.addEventListener("click", function () {
          offer.remove();
        });
        form.prepend(offer);
      });
  }

  function watchForm() {
    form.addEventListener("input", function () {
      dirty = true;
      unsent = true;
    });
    form.addEventListener("change", function () {
      dirty = true;
      unsent = true;
    });
    form.addEventListener("submit", function () {
      submitting = true;
    });
    // Saved in the background (post-form-background.js): nothing left unsaved, page stays.
    form.addEventListener("news:saved", function () {
      dirty = false;
      unsent = false;
      submitting = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || submitting) return;
      event.preventDefault();
      event.returnValue = "";
    });
    window.addEventListener("pagehide", function () {
      autosave(true);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") autosave(true);
    });
    var seconds = parseInt(textarea.dataset.autosaveSeconds || "60", 10);
    setInterval(autosave, Math.max(seconds, 1) * 1000);
  }

  // --- Tags ------------------------------------------------------------------------------

  function tagNames(value) {
    // As django-taggit reads them: commas separate tags when there are any, else spaces.
    var parts = value.indexOf(",") >= 0 ? value.split(",") : value.split(" ");
    return parts
      .map(function (part) {
        return part.replace(/"/g, "").trim();
      })
      .filter(Boolean);
  }

  function prepareTags(input) {
    var url = input.dataset.tagSuggestions;
    var known = {};
    // Named without the word "tags", so the field's own label stays the only "Tags".
    var chips = el("ul", { class: "news-tag-chips", "aria-live": "polite", "aria-label": "Will be saved as" });
    var suggestions = el("div", { class: "news-tag-suggestions" });
    input.after(chips, suggestions);

    function drawChips() {
      chips.textContent = "";
      tagNames(input.value).forEach(function (name) {
        var existing = known[name.toLowerCase()];
        chips.append(
          el("li", { class: existing ? "news-tag-chip" : "news-tag-chip news-tag-chip-new" }, [
            existing ? el("bdi", { text: name }) : el("span", {}, ["new tag: ", el("bdi", { text: name })]),
          ])
        );
      });
    }

    function ask(typed, then, parameter) {
      fetch(url + "?" + (parameter || "q") + "=" + encodeURIComponent(typed), { credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          answer.tags.forEach(function (name) {
            known[name.toLowerCase()] = true;
          });
          then(answer.tags);
        });
    }

    function suggest() {
      var names = tagNames(input.value);
      var last = input.value.trim() && !/,\s*$/.test(input.value) ? names[names.length - 1] || "" : "";
      ask(last, function (tags) {
        suggestions.textContent = "";
        var chosen = names.map(function (name) {
          return name.toLowerCase();
        });
        var offered = tags.filter(function (name) {
          return chosen.indexOf(name.toLowerCase()) < 0 || name.toLowerCase() === last.toLowerCase();
        });
        if (offered.length && last) {
          suggestions.append(el("span", { text: "Existing tags: " }));
          offered.forEach(function (name) {
            var button = el("button", { type: "button", class: "news-tag-suggestion" }, [el("bdi", { text: name })]);
            button.addEventListener("click", function () {
              var kept = names.slice(0, -1).concat([name]);
              input.value = kept.join(", ") + ", ";
              input.dispatchEvent(new Event("input", { bubbles: true }));
              input.focus();
            });
            suggestions.append(button, " ");
          });
        }
        drawChips();
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      drawChips();
      clearTimeout(timer);
      timer = setTimeout(suggest, 200);
    });
    // Which of the tags already there exist (after a refused form, some may be new): one request.
    var initial = tagNames(input.value);
    if (initial.length) ask(initial.join(","), drawChips, "known");
  }

  // --- The attached papers' table ---------------------------------------------------------

  // Django's table of inline rows labels its columns, not each row's inputs, and the paper
  // picker (select2) is named by its chosen text, which is empty until a paper is chosen:
  // give each the name of its column.
  function nameInlineFields() {
    document.querySelectorAll(".inline-related.tabular tr.form-row").forEach(function (row) {
      row.querySelectorAll("td[class^=field-]").forEach(function (cell) {
        var column = cell.className.match(/field-(\S+)/)[1];
        var header = cell.closest("table").querySelector("th.column-" + column);
        var name = header ? header.textContent.trim() : column;
        cell.querySelectorAll("input:not([type=hidden]), select").forEach(function (input) {
          if (!input.labels || !input.labels.length) input.setAttribute("aria-label", name);
        });
        cell.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
          box.setAttribute("aria-label", name);
        });
        cell.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (shown) {
          shown.setAttribute("aria-label", "Chosen " + name.toLowerCase());
        });
      });
    });
    document.querySelectorAll(".inline-related.tabular td.delete input[type=checkbox]").forEach(function (box) {
      if (box.labels && box.labels.length) return;
      var header = box.closest("table").querySelector("thead th:last-child");
      box.setAttribute("aria-label", (header && header.textContent.trim()) || "Delete");
    });
    document.querySelectorAll(".inline-related.tabular th.original:empty").forEach(function (th) {
      th.append(el("span", { class: "visually-hidden", text: "Saved item" }));
    });
  }

  // --- Start -----------------------------------------------------------------------------

  // The editor may be ready before or after DOMContentLoaded (it is built by a module).
  document.addEventListener("prose-editor:ready", function (event) {
    var area = event.detail.textarea;
    if (!area.matches("textarea[data-lang][name=body]")) return;
    textarea = area;
    editor = event.detail.editor;
    prepareEditor(editor.view.dom);
    // The library builds its menu bar when the editor emits "create", just after "ready".
    var done = false;
    function dressMenubar() {
      var menubar = editor.view.dom.parentElement.querySelector(".prose-menubar");
      if (done || !menubar) return;
      done = true;
      relabel(menubar);
      addOwnButtons(menubar);
    }
    dressMenubar();
    editor.on("create", function () {
      setTimeout(dressMenubar, 0);
    });
    setTimeout(dressMenubar, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    textarea = document.querySelector("textarea[data-lang][name=body]");
    form = textarea && textarea.form;
    if (!form) return;
    var tags = form.querySelector("input[data-tag-suggestions]");
    if (tags && tags.dataset.tagSuggestions) prepareTags(tags);
    watchForm();
    offerRestore();
    nameInlineFields();
    // Rows added with "Add another", and select2 drawn after this script ran.
    var observer = new MutationObserver(nameInlineFields);
    form.querySelectorAll(".inline-group").forEach(function (group) {
      observer.observe(group, { childList: true, subtree: true });
    });
  });
})();
