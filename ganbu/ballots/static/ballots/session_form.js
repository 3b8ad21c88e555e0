// The session form (ballots/session_form.html), progressively enhanced; the page works without it.
// - Only the fields of the chosen kind are shown (fieldsets carry data-kinds); the server ignores
//   the others anyway.
// - Rows of subjects and rater groups are added and removed here (without JS: 「增加空行」 posts back).
// - A subject's name searches the registry in the user's scope (name, full pinyin, initials) and a
//   pick sets the row's cadre id; each result shows unit and current post, so namesakes differ.
// DOM calls only (no innerHTML, no inline script: CSP).
(function () {
  "use strict";
  var form = document.getElementById("session-form");
  if (!form) return;
  var searchUrl = form.dataset.searchUrl;

  // --- fields by kind ------------------------------------------------------------------------
  var kind = document.getElementById("id_kind");
  var options = document.getElementById("id_options");
  var defaults = {};
  document.querySelectorAll("#default-options [data-kind]").forEach(function (node) {
    defaults[node.dataset.kind] = node.textContent;
  });
  function showKind() {
    form.querySelectorAll("fieldset[data-kinds]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      fieldset.querySelectorAll(".kind-hint").forEach(function (hint) { hint.hidden = true; });
    });
  }
  if (kind) {
    var previous = kind.value;
    kind.addEventListener("change", function () {
      // options still at the previous kind's defaults follow the kind
      if (options && (options.value.trim() === "" || options.value.trim() === (defaults[previous] || "").trim())) {
        options.value = defaults[kind.value] || "";
      }
      previous = kind.value;
      showKind();
    });
    showKind();
  }

  // --- rows ----------------------------------------------------------------------------------
  function renumber(body) {
    body.querySelectorAll("tr[data-row]").forEach(function (row, i) {
      var cell = row.querySelector("[data-row-number]");
      if (cell) cell.textContent = String(i + 1);
    });
  }
  function nextIndex(body) {
    var max = -1;
    body.querySelectorAll("[name]").forEach(function (input) {
      var match = /^(?:subject|group)-(\d+)-/.exec(input.name);
      if (match) max = Math.max(max, parseInt(match[1], 10));
    });
    return max + 1;
  }
  function addRow(body) {
    var rows = body.querySelectorAll("tr[data-row]");
    var template = rows[rows.length - 1];
    var row = template.cloneNode(true);
    var index = nextIndex(body);
    row.className = "";
    row.querySelectorAll(".invalid-feedback, [data-picked], .cadre-results").forEach(function (n) { n.remove(); });
    row.querySelectorAll("select[data-subject-cadre]").forEach(function (select) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.setAttribute("data-subject-cadre", "");
      hidden.name = select.name;
      select.replaceWith(hidden);
    });
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(/^(subject|group)-\d+-/, "$1-" + index + "-");
      if (input.type === "checkbox") input.checked = false;
      else if (/-weight$/.test(input.name)) input.value = "1";
      else input.value = "";
    });
    body.appendChild(row);
    wireRow(row);
    renumber(body);
    var first = row.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  }
  function wireRow(row) {
    var remove = row.querySelector("[data-remove-row]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var body = row.parentNode;
        if (body.querySelectorAll("tr[data-row]").length > 1) row.remove();
        else row.querySelectorAll("input").forEach(function (i) { if (i.type === "checkbox") i.checked = false; else i.value = ""; });
        renumber(body);
      });
    }
    var name = row.querySelector("[data-subject-name]");
    if (name) wireSearch(row, name);
  }
  document.querySelectorAll("tbody[data-rows]").forEach(function (body) {
    body.querySelectorAll("tr[data-row]").forEach(wireRow);
    var add = document.createElement("button");
    add.type = "button";
    add.className = "btn btn-outline-secondary btn-sm";
    add.textContent = body.dataset.rows === "subject" ? "添加一人" : "添加一类";
    add.addEventListener("click", function () { addRow(body); });
    body.closest(".table-responsive").after(add);
  });
  var addRows = document.getElementById("add-rows");
  if (addRows) addRows.parentNode.hidden = true;

  // --- registry search -----------------------------------------------------------------------
  function wireSearch(row, name) {
    var cadre = row.querySelector("[data-subject-cadre]");
    var note = row.querySelector("[data-subject-note]");
    var nominee = row.querySelector("[data-subject-nominee]");
    var list = document.createElement("div");
    list.className = "list-group cadre-results mt-1 shadow-sm";  // in the flow: the table scrolls, so it would clip an overlay
    list.hidden = true;
    name.after(list);
    var timer = null;
    var picked = cadre && cadre.value ? name.value : null;

    function close() { list.hidden = true; while (list.firstChild) list.firstChild.remove(); }
    function pick(result) {
      name.value = result.name;
      picked = result.name;
      if (cadre.tagName === "SELECT") {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = cadre.name;
        hidden.setAttribute("data-subject-cadre", "");
        cadre.replaceWith(hidden);
        cadre = hidden;
      }
      cadre.value = String(result.id);
      if (note && !note.value) note.value = result.note;
      if (nominee) nominee.checked = false;
      var mark = row.querySelector("[data-picked]");
      if (!mark) {
        mark = document.createElement("div");
        mark.className = "small text-success";
        mark.setAttribute("data-picked", "");
        list.after(mark);
      }
      mark.textContent = "已选在册干部：" + result.label;
      row.querySelectorAll(".invalid-feedback").forEach(function (n) { n.remove(); });
      row.classList.remove("table-danger");
      close();
    }
    function show(results) {
      close();
      if (!results.length) {
        var none = document.createElement("div");
        none.className = "list-group-item small text-muted";
        none.textContent = "在册干部中没有找到；如不是在册干部，请勾选「非在册人员」";
        list.appendChild(none);
      }
      results.forEach(function (result) {
        var item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action py-1";
        var strong = document.createElement("strong");
        strong.textContent = result.name;
        var meta = document.createElement("span");
        meta.className = "small text-muted ms-2";
        meta.textContent = result.unit + (result.title ? " · " + result.title : "");
        item.appendChild(strong);
        item.appendChild(meta);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(result); });
        item.addEventListener("click", function () { pick(result); });
        list.appendChild(item);
      });
      list.hidden = false;
    }
    name.addEventListener("input", function () {
      if (picked !== null && name.value !== picked && cadre.tagName !== "SELECT") {
        cadre.value = "";  // the name no longer is the picked cadre
        picked = null;
        var mark = row.querySelector("[data-picked]");
        if (mark) mark.remove();
      }
      clearTimeout(timer);
      var q = name.value.trim();
      if (!q || (nominee && nominee.checked)) { close(); return; }
      timer = setTimeout(function () {
        fetch(searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (name.value.trim() === q) show(data.results || []); })
          .catch(close);
      }, 250);
    });
    name.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    name.addEventListener("blur", function () { setTimeout(close, 150); });
    if (nominee) {
      nominee.addEventListener("change", function () {
        if (nominee.checked && cadre.tagName !== "SELECT") {
          cadre.value = "";
          picked = null;
          var mark = row.querySelector("[data-picked]");
          if (mark) mark.remove();
        }
        close();
      });
    }
  }
})();
