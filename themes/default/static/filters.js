/* Instant filters for the action ledger (the page lists everything without JavaScript). */
(function () {
  "use strict";
  var form = document.getElementById("action-filters");
  var table = document.getElementById("actions");
  if (!form || !table) return;
  function apply() {
    var status = form.elements.status.value;
    var owner = form.elements.owner.value;
    var service = form.elements.service.value;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var show = (!status || row.getAttribute("data-status") === status) &&
                 (!owner || row.getAttribute("data-owner") === owner) &&
                 (!service || (", " + row.getAttribute("data-services") + ",").indexOf(", " + service + ",") !== -1);
      row.hidden = !show;
    });
  }
  form.addEventListener("change", apply);
})();
