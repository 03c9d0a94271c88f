// Autocomplete choices go stale the moment the text changes (issue 14 item 8:
// type "Figm", see "Figma", replace the text, press Enter -> "Figma added.").
// For every text input marked data-choices="<selector>", any edit unchecks and
// disables the radios shown for the old text until htmx swaps in the new ones;
// the server also refuses a choice that does not match the submitted text.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.choices) return;
    var box = document.querySelector(input.dataset.choices);
    if (!box) return;
    box.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = false;
      radio.disabled = true;
    });
  });
})();
