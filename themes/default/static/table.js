/* The incident list: click a column heading to sort; filter links work instantly (they are plain
 * links to listing pages without JavaScript). */
(function () {
  "use strict";
  var table = document.querySelector("table.incidents");
  if (!table) return;
  var body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = cell.textContent;
    cell.textContent = "";
    cell.appendChild(button);
    var ascending = false;
    button.addEventListener("click", function () {
      ascending = !ascending;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index].textContent.trim(), y = b.cells[index].textContent.trim();
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      cell.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    });
  });
  var status = document.getElementById("filter-status");
  document.querySelectorAll("[data-filter]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var key = link.getAttribute("data-filter");
      var value = link.getAttribute("data-value");
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var values = (row.getAttribute("data-" + key) || "").split(" ");
        row.hidden = value !== "" && values.indexOf(value) === -1;
        if (!row.hidden) shown++;
      });
      if (status) status.textContent = value ? shown + " shown (" + key + ": " + link.textContent + ")" : "";
    });
  });
})();
