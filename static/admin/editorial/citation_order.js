// Up and down buttons for the rows of a citation inline: a progressive enhancement of the
// position field, which works without this script (type the place a row should have). Moving a
// row renumbers the positions in the order shown; the server renumbers the [^N] markers of the
// text to follow their citations when the form is saved.
"use strict";
(function () {
  function rows(body) {
    return Array.from(body.querySelectorAll("tr.form-row:not(.empty-form)"));
  }

  function renumber(body) {
    let number = 0;
    rows(body).forEach(function (row) {
      const input = row.querySelector("input.citation-position");
      if (!input) return;
      const isNew = !row.classList.contains("has_original");
      // A new row nobody moved stays empty: it goes at the end.
      if (isNew && input.value === "" && !row.dataset.moved) return;
      number += 1;
      input.value = String(number);
      const marker = row.querySelector("td.field-marker p");
      if (marker) {
        if (!marker.dataset.shown) marker.dataset.shown = marker.textContent.trim();
        const now = "[^" + number + "]";
        marker.textContent = marker.dataset.shown === now ? now : marker.dataset.shown + " → " + now;
      }
    });
  }

  function addButtons(row) {
    const input = row.querySelector("input.citation-position");
    if (!input || row.querySelector(".citation-move")) return;
    [["up", "↑", "Move this citation up"], ["down", "↓", "Move this citation down"]].forEach(
      function ([direction, text, label]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button citation-move citation-move-" + direction;
        button.textContent = text;
        button.setAttribute("aria-label", label);
        button.addEventListener("click", function () {
          const body = row.parentElement;
          const all = rows(body);
          const index = all.indexOf(row);
          const other = all[direction === "up" ? index - 1 : index + 1];
          if (!other) return;
          row.dataset.moved = "1";
          if (direction === "up") body.insertBefore(row, other);
          else body.insertBefore(other, row);
          renumber(body);
          button.focus();
        });
        input.insertAdjacentElement("afterend", button);
      }
    );
  }

  function enhance() {
    document.querySelectorAll("input.citation-position").forEach(function (input) {
      const row = input.closest("tr");
      // The template row of "Add another" is cloned: its copies get their buttons when added.
      if (row && !row.classList.contains("empty-form")) addButtons(row);
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("formset:added", function (event) {
    addButtons(event.target);
  });
})();
