// The post form without page loads: a paper uploaded from the Attached papers inline, and
// Save draft / Publish / Schedule / Update sent in the background, the page then brought up
// to date from the change page the server answers with. Anything else (a refused form, an
// unexpected answer) falls back to the ordinary submit, so the server shows its errors beside
// the fields as always. Without script none of this runs: the "+" pop-up and the plain
// submit work as before.
(function () {
  "use strict";

  var BACKGROUND_BUTTONS = ["_draft", "_publish"];
  var form = null;
  var saving = false;
  var plainSubmit = false; // the fallback's own submit, let through
  var messages = null; // the messages' place: a polite live region from the start, so read out

  function $() {
    return window.django && window.django.jQuery;
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  // --- Uploading a paper from the inline ----------------------------------------------------

  function uploadUrl(group) {
    // The "+" beside a picker opens the paper admin's add form; the upload sits beside it.
    var add = group.querySelector("a.related-widget-wrapper-link.add-related, a[id^=add_id_][href]");
    if (!add) return null;
    var url = new URL(add.getAttribute("href"), window.location.href);
    return url.pathname.replace(/add\/$/, "upload.json");
  }

  function rows(group) {
    return Array.prototype.slice.call(
      group.querySelectorAll("tr.form-row:not(.empty-form) select[name$='-document']")
    );
  }

  function emptyPicker(group) {
    var free = rows(group).filter(function (select) {
      return !select.value;
    })[0];
    if (free) return free;
    var addRow = group.querySelector(".add-row a");
    if (addRow) addRow.click(); // Django's "Add another", which makes a fresh row
    return rows(group).filter(function (select) {
      return !select.value;
    })[0];
  }

  function choose(select, answer) {
    var option = new Option(answer.obj, answer.value, true, true);
    select.appendChild(option);
    select.value = answer.value;
    // select2 listens through jQuery, which also hears native events; so does editor.js.
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function showAdvice(box, answer) {
    box.replaceChildren();
    var done = el("p", {}, "Paper “" + answer.obj + "” uploaded and chosen. ");
    if (!answer.checked) {
      done.append("Its accessibility is not checked: only PDFs are checked.");
      box.append(done);
      return;
    }
    if (!answer.problems.length) {
      done.append("Accessibility: no problems found.");
      box.append(done);
      return;
    }
    done.append("Accessibility: what is missing, for screen readers and others:");
    var list = el("ul");
    answer.problems.forEach(function (problem) {
      list.append(el("li", {}, problem));
    });
    var fix = el("p");
    var link = el("a", { href: answer.change_url, target: "_blank", rel: "noopener" }, "Open the paper");
    link.append(el("span", { class: "visually-hidden" }, " (opens in a new tab)"));
    fix.append(link, " to upload a better file later.");
    box.append(done, list, fix);
  }

  function showErrors(box, errors) {
    box.replaceChildren();
    var list = el("ul", { class: "errorlist" });
    errors.forEach(function (html) {
      var item = el("li");
      item.innerHTML = html; // escaped by the server (documents.admin), links kept
      list.append(item);
    });
    box.append(el("p", {}, "The paper was not uploaded:"), list);
  }

  function addUploader(group) {
    var url = uploadUrl(group);
    var place = group.querySelector("fieldset.module") || group;
    if (!url || place.querySelector(".paper-upload")) return;
    var file = el("input", { type: "file", hidden: "", "aria-label": "Paper to upload" });
    var button = el("button", { type: "button", class: "button" }, "Upload a paper");
    var help = el("span", { class: "help" }, " Choose a PDF: it is uploaded and attached here, with its accessibility advice.");
    var box = el("div", { class: "paper-upload-result", role: "status", "aria-live": "polite" });
    var wrapper = el("div", { class: "paper-upload form-row" });
    wrapper.append(button, help, file, box);
    place.append(wrapper);

    button.addEventListener("click", function () {
      file.click();
    });
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      var data = new FormData();
      data.append("file", chosen);
      file.value = ""; // never sent with the post itself
      button.disabled = true;
      button.textContent = "Uploading…";
      box.replaceChildren(el("p", {}, "Uploading “" + chosen.name + "”…"));
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) throw new Error("not JSON");
          return response.json().then(function (answer) {
            if (response.status === 201) {
              var select = emptyPicker(group);
              if (select) choose(select, answer);
              showAdvice(box, answer);
            } else {
              showErrors(box, answer.errors || ["The server refused the file."]);
            }
          });
        })
        .catch(function () {
          showErrors(box, [
            "The upload did not reach the server, or its answer was unreadable. Try again, " +
              "or use the + beside a paper's picker.",
          ]);
        })
        .finally(function () {
          button.disabled = false;
          button.textContent = "Upload a paper";
        });
    });
  }

  // --- Saving in the background ---------------------------------------------------------------

  function backgroundButton(submitter) {
    return (
      submitter &&
      BACKGROUND_BUTTONS.indexOf(submitter.name) !== -1 &&
      !submitter.hasAttribute("formaction") &&
      !submitter.hasAttribute("formtarget")
    );
  }

  function fallback(submitter) {
    plainSubmit = true;
    saving = false;
    if (form.requestSubmit) {
      form.requestSubmit(submitter);
    } else {
      form.append(el("input", { type: "hidden", name: submitter.name, value: submitter.value }));
      form.submit();
    }
  }

  function replace(selector, page, before) {
    var old = document.querySelector(selector);
    var fresh = page.querySelector(selector);
    if (old && fresh) old.replaceWith(fresh);
    else if (old) old.remove();
    else if (fresh && before) before.before(fresh);
    return fresh;
  }

  function replaceInline(page) {
    var old = document.getElementById("attachments-group");
    var fresh = page.getElementById("attachments-group");
    if (!old || !fresh) return;
    old.replaceWith(fresh);
    var jq = $();
    if (!jq) return;
    // As Django's inlines.js and autocomplete.js do on page load.
    var holder = fresh.querySelector(".js-inline-admin-formset");
    var options = holder && jq(holder).data("inlineFormset");
    if (options && jq.fn.tabularFormset) {
      var selector = options.name + "-group .tabular.inline-related tbody:first > tr.form-row";
      jq(selector).tabularFormset(selector, options.options);
    }
    if (jq.fn.djangoAdminSelect2) {
      jq(fresh).find(".admin-autocomplete").not("[name*=__prefix__]").djangoAdminSelect2();
    }
    addUploader(fresh);
  }

  // Values the server set (the web address, the publication time), unless typed over since.
  function takeServerValues(page, sent) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      if (input.closest("#attachments-group") || input.name === "csrfmiddlewaretoken") return;
      if (["file", "checkbox", "radio", "submit", "button"].indexOf(input.type) !== -1) return;
      var fresh = page.querySelector('#post_form input[name="' + CSS.escape(input.name) + '"]');
      if (!fresh || fresh.type !== input.type) return;
      if (input.value === (sent.get(input.name) || "")) input.value = fresh.value;
    });
    var slug = $() && $()("#id_slug");
    if (slug && slug.length) slug.data("_changed", true); // saved: the title no longer fills it
  }

  function update(page, url, sent) {
    var fresh = page.querySelector(".messagelist");
    messages.replaceChildren();
    if (fresh) messages.append(fresh);
    replace(".breadcrumbs", page, null);
    replace(".post-actions", page, null);
    replace("#content > .titles-and-tools", page, null); // the heading, History, View on site
    replace("#share-preview", page, null);
    if (!document.getElementById("share-preview") && page.getElementById("share-preview")) {
      var groups = form.querySelectorAll(".inline-group");
      if (groups.length) groups[groups.length - 1].after(page.getElementById("share-preview"));
    }
    replace("#post_form > div > .submit-row", page, null);
    if (!form.querySelector(".submit-row") && page.querySelector("#post_form .submit-row")) {
      form.querySelector(":scope > div").append(page.querySelector("#post_form .submit-row"));
    }
    replace("#post_form .form-row.field-image", page, null);
    document.title = page.title;
    replaceInline(page);
    takeServerValues(page, sent);
    // The body's addresses (autosave, pictures, papers) now name the saved post.
    var body = form.querySelector("textarea[name=body]");
    var freshBody = page.querySelector("#post_form textarea[name=body]");
    if (body && freshBody) {
      Object.keys(freshBody.dataset).forEach(function (key) {
        body.dataset[key] = freshBody.dataset[key];
      });
    }
    // A form refused earlier: its mistakes are now mended.
    Array.prototype.forEach.call(form.querySelectorAll(".errornote, ul.errorlist"), function (node) {
      node.remove();
    });
    document.querySelectorAll("#content > .errornote").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll(".form-row.errors, .errors").forEach(function (node) {
      node.classList.remove("errors");
    });
    form.setAttribute("action", url);
    if (window.location.href !== url) window.history.replaceState(null, "", url);
    form.dispatchEvent(new CustomEvent("news:saved", { bubbles: true })); // editor.js: no warning
    if (fresh) {
      fresh.setAttribute("tabindex", "-1");
      fresh.focus();
    }
  }

  function isChangePage(response) {
    var url = new URL(response.url);
    return (
      response.ok &&
      response.redirected &&
      url.origin === window.location.origin &&
      /\/news\/post\/\d+\/change\/$/.test(url.pathname)
    );
  }

  function save(submitter) {
    saving = true;
    submitter.setAttribute("aria-busy", "true");
    // After every submit listener ran (the editor copies its text into the textarea in one).
    window.setTimeout(function () {
      var data = new FormData(form);
      data.append(submitter.name, submitter.value);
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!isChangePage(response)) return fallback(submitter);
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            if (!page.getElementById("post_form")) {
              window.location.assign(response.url); // saved, yet the page is not the form
              return;
            }
            try {
              update(page, response.url, data);
              saving = false;
            } catch (error) {
              window.location.assign(response.url); // saved: show it the plain way
            }
          });
        })
        .catch(function () {
          fallback(submitter);
        });
    }, 0);
  }

  function start() {
    form = document.getElementById("post_form");
    if (!form || !window.fetch || !window.DOMParser) return;
    var content = document.getElementById("content");
    messages = el("div", { class: "post-form-messages", role: "status" });
    var shown = document.querySelector(".messagelist");
    if (shown) shown.before(messages);
    else if (content) content.before(messages);
    else return;
    if (shown) messages.append(shown);
    var group = document.getElementById("attachments-group");
    if (group) addUploader(group);
    form.addEventListener("submit", function (event) {
      if (plainSubmit) return;
      if (saving) {
        event.preventDefault(); // one save at a time
        return;
      }
      if (!backgroundButton(event.submitter)) return;
      event.preventDefault();
      save(event.submitter);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
