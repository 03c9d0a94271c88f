// Stint's small page script (the strict Content-Security-Policy allows only files
// from 'self'). Loaded without defer in <head> so the chosen theme is set before the
// first paint: no flash of the wrong colours. Everything else waits for the DOM.
(function () {
  "use strict";
  var KEY = "stint-theme";
  var root = document.documentElement;
  var THEMES = ["auto", "light", "dark"];

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return THEMES.indexOf(value) >= 0 ? value : "auto";
    } catch (error) {
      return "auto"; // storage refused (private mode): follow the system
    }
  }

  function apply(theme) {
    if (theme === "auto") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", theme);
  }

  apply(stored());

  function labelSwitch(button, theme) {
    button.textContent = "Theme: " + theme;
    button.setAttribute("aria-label", "Colour theme: " + theme + " (change)");
  }

  // Tables become stacked lists on phones (app.css); each cell is given its column's
  // name so the value keeps its meaning once the header row is out of sight.
  function labelTables(scope) {
    scope.querySelectorAll("main table").forEach(function (table) {
      var headers = table.querySelectorAll("thead th");
      if (!headers.length) return;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var header = headers[index];
          // A cell spanning columns ("nothing to show") is not one column's value.
          if (header && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            var name = header.textContent.trim();
            if (name) cell.setAttribute("data-label", name);
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-theme-switch]").forEach(function (button) {
      labelSwitch(button, stored());
      button.hidden = false; // useless without this script, so hidden until now
      button.addEventListener("click", function () {
        var next = THEMES[(THEMES.indexOf(stored()) + 1) % THEMES.length];
        try {
          window.localStorage.setItem(KEY, next);
        } catch (error) {
          /* not remembered; still applied to this page */
        }
        apply(next);
        labelSwitch(button, next);
      });
    });

    // The phone menu is a <details>, which works without this script; with it, the
    // summary also says aria-expanded for assistive technology that reads that.
    document.querySelectorAll("details[data-nav-menu]").forEach(function (menu) {
      var summary = menu.querySelector("summary");
      var sync = function () {
        summary.setAttribute("aria-expanded", menu.open ? "true" : "false");
      };
      sync();
      menu.addEventListener("toggle", sync);
    });

    labelTables(document);
  });
  document.addEventListener("htmx:afterSwap", function () {
    labelTables(document);
  });
})();
