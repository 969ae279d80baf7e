/* Qantar review queue: keyboard shortcuts for the decision buttons.
 * A button with data-shortcut="m" is pressed by the key M, unless the person is typing in a
 * field (the note box) or holds a modifier key. No inline script: loaded from review.html. */
(function () {
  "use strict";

  function isTyping(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    if (isTyping(event.target)) { return; }
    var form = document.querySelector("form[data-review-form]");
    if (!form || form.dataset.sent === "true") { return; }
    var key = (event.key || "").toLowerCase();
    var button = form.querySelector('button[data-shortcut="' + key + '"]');
    if (!button) { return; }
    event.preventDefault();
    form.dataset.sent = "true";  // one decision per page, even if the key bounces
    if (typeof form.requestSubmit === "function") { form.requestSubmit(button); } else { button.click(); }
  });
}());
