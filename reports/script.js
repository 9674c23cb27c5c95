// Client-side filtering of the findings. No network, no eval; runs once at load.
(function () {
  'use strict';
  // The filters work only with this script: the stylesheet hides them until it runs.
  document.documentElement.classList.add('js');
  var form = document.getElementById('filters');
  if (!form) return;
  var boxes = form.querySelectorAll('input[type=checkbox]');
  var shownEl = document.getElementById('shown');
  var noneEl = document.getElementById('none');
  var total = document.querySelectorAll('#findings tr[data-s]').length;

  function selected(kind) {
    var set = {};
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute('data-f') === kind && boxes[i].checked) set[boxes[i].value] = true;
    }
    return set;
  }

  function apply() {
    var st = selected('s'), sv = selected('v'), rg = selected('r'), ar = selected('a');
    var shown = 0;
    var areas = document.querySelectorAll('#findings section.area');
    for (var a = 0; a < areas.length; a++) {
      var areaOn = ar[areas[a].getAttribute('data-a')] === true;
      var areaShown = 0;
      var groups = areas[a].querySelectorAll('.sevgroup');
      for (var g = 0; g < groups.length; g++) {
        var groupOn = areaOn && sv[groups[g].getAttribute('data-v')] === true;
        var groupShown = 0;
        var rules = groups[g].querySelectorAll('.rule');
        for (var r = 0; r < rules.length; r++) {
          var ruleShown = 0;
          var rows = rules[r].querySelectorAll('tr[data-s]');
          for (var i = 0; i < rows.length; i++) {
            var on = groupOn && st[rows[i].getAttribute('data-s')] === true &&
              rg[rows[i].getAttribute('data-r')] === true;
            if (rows[i].hidden === on) rows[i].hidden = !on;
            if (on) ruleShown++;
          }
          rules[r].hidden = ruleShown === 0;
          groupShown += ruleShown;
        }
        groups[g].hidden = groupShown === 0;
        areaShown += groupShown;
      }
      areas[a].hidden = areaShown === 0;
      shown += areaShown;
    }
    if (shownEl) shownEl.textContent = shown + ' shown of ' + total;
    if (noneEl) noneEl.hidden = shown !== 0 || total === 0;
  }

  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });

  // Print every rule's rationale and remediation, then put the page back as it was.
  var closed = [];
  window.addEventListener('beforeprint', function () {
    var all = document.querySelectorAll('details:not([open])');
    for (var i = 0; i < all.length; i++) { all[i].open = true; closed.push(all[i]); }
  });
  window.addEventListener('afterprint', function () {
    while (closed.length) closed.pop().open = false;
  });
})();
