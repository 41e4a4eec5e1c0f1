// The 「相談する」 pages, progressively enhanced: without this script every field shows and
// the link can be copied by hand.
(function () {
  "use strict";

  // Show the e-mail or phone field only when that way of answering is chosen.
  var choices = document.querySelector("[data-reply-by]");
  if (choices) {
    var update = function () {
      var checked = choices.querySelector("input:checked");
      var chosen = checked ? checked.value : "";
      document.querySelectorAll("[data-reply-field]").forEach(function (field) {
        var wanted = field.getAttribute("data-reply-field") === chosen;
        var hasError = field.classList.contains("field--error");
        field.hidden = !(wanted || hasError);
      });
    };
    choices.addEventListener("change", update);
    update();
  }

  // "Copy the link" on the thank-you page.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { button.textContent = button.getAttribute("data-copied"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });
})();
