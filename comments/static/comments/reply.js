// Moves the reply form under the comment being answered. Without this script the "Reply"
// links still work: they reload the page with the form set to answer that comment.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form");
  var parentField = form.querySelector("input[name=parent]");
  var notice = document.getElementById("replying-to");
  var noticeName = document.getElementById("replying-to-name");
  var cancel = document.getElementById("cancel-reply");
  var home = document.createComment("reply form");
  respond.parentNode.insertBefore(home, respond);

  function replyTo(link) {
    var article = link.closest("article");
    article.parentNode.insertBefore(respond, article.nextSibling);
    parentField.value = link.dataset.comment;
    noticeName.textContent = link.dataset.name;
    notice.hidden = false;
    form.querySelector("textarea").focus();
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentField.value = "";
    notice.hidden = true;
  }

  // The page may come from a shared cache, its form's time rounded down a minute: once
  // someone starts writing, swap in the exact time, so the "too fast" rule measures them.
  form.addEventListener(
    "focusin",
    function () {
      fetch(form.dataset.timeUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) form.querySelector("input[name=issued]").value = data.issued; })
        .catch(function () { /* keep the rounded time: the rule stays lenient, never wrong */ });
    },
    { once: true }
  );

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target.closest("#cancel-reply")) {
      event.preventDefault();
      cancelReply();
      form.querySelector("textarea").focus();
    }
  });
})();
