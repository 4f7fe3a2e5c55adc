// The post form, as it changes: the main button says "Schedule for DATE" while the
// publication date is in the future (times are UK time), the event fields show only for
// Events, and the web address is shown in full. Without script the form still works: every
// field shows, and the server writes the button's label for the date last saved or sent.
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var LONDON = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  // [year, month, day, hour, minute, second] as a number that sorts like the moment.
  function sortable(parts) {
    return parts.reduce(function (total, part, index) {
      return index === 0 ? part : total * 100 + part;
    }, 0);
  }

  function londonNow() {
    var found = {};
    LONDON.formatToParts(new Date()).forEach(function (part) {
      found[part.type] = Number(part.value);
    });
    return [found.year, found.month, found.day, found.hour, found.minute, found.second];
  }

  // The date and time as typed (dd/mm/yyyy or yyyy-mm-dd; hh:mm[:ss]), or null.
  function typedMoment() {
    var date = document.getElementById("id_published_at_0");
    var time = document.getElementById("id_published_at_1");
    if (!date || !date.value.trim()) return null;
    var day = date.value.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
    var iso = date.value.trim().match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
    var ymd = day ? [day[3], day[2], day[1]] : iso ? [iso[1], iso[2], iso[3]] : null;
    if (!ymd) return null;
    var clock = ((time && time.value.trim()) || "0:00").match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?/);
    if (!clock) return null;
    return ymd.concat([clock[1], clock[2], clock[3] || "0"]).map(Number);
  }

  function updatePublishLabel() {
    var button = document.getElementById("publish-button");
    if (!button) return;
    var when = typedMoment();
    var label;
    if (when && sortable(when) > sortable(londonNow())) {
      label =
        "Schedule for " + when[2] + " " + MONTHS[when[1] - 1] + " " + when[0] + ", " +
        pad(when[3]) + ":" + pad(when[4]);
    } else {
      label = button.dataset.published === "true" ? "Update" : "Publish";
    }
    if (button.textContent !== label) button.textContent = label;
  }

  function updateEventFields() {
    var bar = document.querySelector(".post-actions[data-events-category]");
    var category = document.getElementById("id_category");
    var fieldset = document.querySelector("fieldset.post-event-fields");
    if (!bar || !category || !fieldset) return;
    var isEvent = category.value === bar.dataset.eventsCategory;
    // A field with a mistake in it stays in view, whatever the category.
    fieldset.hidden = !isEvent && !fieldset.querySelector(".errorlist");
  }

  function updateAddress() {
    var slug = document.getElementById("id_slug");
    var output = document.querySelector('output[for="id_slug"]');
    if (!slug || !output) return;
    output.textContent = output.dataset.prefix + (slug.value.trim() || "…") + "/";
  }

  function updateAll() {
    updatePublishLabel();
    updateEventFields();
    updateAddress();
  }

  function start() {
    var form = document.getElementById("post_form");
    if (!form) return;
    // The title fills the web address by script (no event of its own): read after it ran.
    ["input", "change", "keyup"].forEach(function (type) {
      form.addEventListener(type, function () {
        window.setTimeout(updateAll, 0);
      });
    });
    // The admin's calendar and clock pickers set the date without an input event.
    form.addEventListener("click", function () {
      window.setTimeout(updatePublishLabel, 0);
    });
    // Time passes: a scheduled moment that has come reads "Publish" again.
    window.setInterval(updatePublishLabel, 15000);
    updateAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
