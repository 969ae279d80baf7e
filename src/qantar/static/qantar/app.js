/* Qantar: small progressive enhancements. Every page also works without JavaScript.
 * No inline scripts anywhere (a strict Content Security Policy applies): behaviour is wired
 * here through data-* attributes. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  /* The language switcher submits as soon as a language is chosen. */
  function wireLanguage(root) {
    root.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  /* "Add another name / perpetrator": copy the formset's empty row from its <template>. */
  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var form = button.form;
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var rows = form.querySelector('[data-formset="' + prefix + '"]');
    var template = form.querySelector('template[data-formset-template="' + prefix + '"]');
    if (!total || !rows || !template) { return false; }
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) { return true; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-row]");
    if (button && addRow(button)) { event.preventDefault(); }
  });

  /* Enter in a "new place / person / event" box adds it, rather than saving the whole form. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
    var quick = event.target.closest(".quick-create");
    if (!quick) { return; }
    var button = quick.querySelector('button[name="_add"]');
    if (button) { event.preventDefault(); button.click(); }
  });

  /* Warn before leaving a form with unsaved typing. */
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.closest("form[data-unsaved-warning]")) { dirty = true; }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-unsaved-warning]")) { dirty = false; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  /* After an inline creation, put the focus on the select that now holds the new record. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.classList && target.classList.contains("picker")) {
      var fresh = document.getElementById(target.id) || target;
      var select = fresh.querySelector("select");
      var summary = fresh.querySelector("details[open] summary");
      (summary || select || fresh).focus();
    }
  });

  /* An error summary takes the focus so screen-reader users hear what to correct. */
  function focusErrors(root) {
    var summary = root.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireLanguage(document);
    focusErrors(document);
  });
})();
