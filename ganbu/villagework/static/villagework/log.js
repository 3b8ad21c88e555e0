// 驻村工作记录 on a phone: household picker (search by name / pinyin initials / 小组, chips),
// inline villagers' requests, a draft kept in localStorage until the server confirms the save,
// submit through fetch (a dropped connection keeps the draft), photos shrunk before upload.
// No inline handlers anywhere: the page's CSP forbids them.
(function () {
  "use strict";

  var form = document.getElementById("log-form") || document.getElementById("log-edit-form");
  if (!form) return;

  var OFFLINE = "网络中断，草稿已保存在本机，恢复网络后再提交";
  var chosen = new Map(); // household id (string) → label
  var picker = document.getElementById("hh-picker");
  var chips = document.getElementById("hh-chips");
  var results = document.getElementById("hh-results");
  var query = document.getElementById("hh-q");
  var villageSelect = form.querySelector("select[name=village]");

  function changed() {
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- household picker -----------------------------------------------------------------------

  function searchUrl() {
    if (villageSelect) {
      var option = villageSelect.options[villageSelect.selectedIndex];
      return option ? option.dataset.searchUrl : "";
    }
    return picker ? picker.dataset.searchUrl || "" : "";
  }

  function renderChips() {
    if (!chips) return;
    chips.textContent = "";
    chosen.forEach(function (label, id) {
      var chip = el("button", "btn btn-sm btn-outline-danger vw-chip", label + " ×");
      chip.type = "button";
      chip.dataset.id = id;
      chip.setAttribute("aria-label", "移除 " + label);
      var input = el("input");
      input.type = "hidden";
      input.name = "households";
      input.value = id;
      chips.appendChild(chip);
      chips.appendChild(input);
    });
    var count = document.getElementById("hh-count");
    if (count) count.textContent = String(chosen.size);
    markResults();
    syncRequestHouseholds();
  }

  function markResults() {
    if (!results) return;
    results.querySelectorAll("[data-id]").forEach(function (item) {
      var on = chosen.has(item.dataset.id);
      item.classList.toggle("active", on);
      item.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function toggle(id, label) {
    if (chosen.has(id)) chosen.delete(id);
    else chosen.set(id, label);
    renderChips();
    changed();
  }

  var searchTimer = null;
  var searchSeq = 0;

  function search() {
    var url = searchUrl();
    if (!url || !results) return;
    var seq = ++searchSeq;
    var q = query ? query.value.trim() : "";
    fetch(url + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("search " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (seq !== searchSeq) return; // an older answer arriving late
        results.textContent = "";
        results.dataset.q = q; // which query the list shows
        if (!data.results.length) {
          results.appendChild(el("div", "list-group-item text-muted", "没有找到农户"));
          return;
        }
        data.results.forEach(function (h) {
          var label = (h.group_name ? h.group_name + " " : "") + h.head_name;
          var item = el("button", "list-group-item list-group-item-action d-flex justify-content-between align-items-center");
          item.type = "button";
          item.dataset.id = String(h.id);
          item.dataset.label = label;
          item.appendChild(el("span", "", label));
          var badges = el("span", "text-nowrap");
          if (h.category !== "general") badges.appendChild(el("span", "badge text-bg-warning me-1", h.category_label));
          badges.appendChild(
            el("span", h.visited ? "badge text-bg-secondary" : "badge text-bg-success", h.visited ? "本年已走访" : "未走访")
          );
          item.appendChild(badges);
          results.appendChild(item);
        });
        markResults();
      })
      .catch(function () {
        if (seq !== searchSeq) return;
        results.textContent = "";
        results.appendChild(el("div", "list-group-item text-muted", "暂时无法搜索（网络中断），可稍后再选农户"));
      });
  }

  if (picker) {
    picker.classList.remove("d-none");
    var initial = document.getElementById("hh-initial");
    if (initial) {
      JSON.parse(initial.textContent).forEach(function (c) {
        chosen.set(String(c.id), c.label);
      });
    }
    renderChips();
    chips.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-id]");
      if (chip) toggle(chip.dataset.id, "");
    });
    results.addEventListener("click", function (event) {
      var item = event.target.closest("[data-id]");
      if (item) toggle(item.dataset.id, item.dataset.label);
    });
    if (query) {
      query.addEventListener("input", function () {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(search, 200);
      });
      query.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault(); // Enter searches, never submits
      });
    }
    if (villageSelect) {
      villageSelect.addEventListener("change", function () {
        chosen.clear(); // households belong to one village
        renderChips();
        search();
      });
    }
    search();
  }

  // --- inline requests ------------------------------------------------------------------------

  var requestRows = document.getElementById("req-rows");
  var requestTemplate = document.getElementById("req-template");
  var addRequest = document.getElementById("req-add");

  function syncRequestHouseholds() {
    if (!requestRows || !picker) return;
    requestRows.querySelectorAll("select.req-household").forEach(function (select) {
      var current = select.value;
      select.textContent = "";
      select.appendChild(new Option("不指定农户", ""));
      chosen.forEach(function (label, id) {
        select.appendChild(new Option(label, id));
      });
      select.value = chosen.has(current) ? current : "";
    });
  }

  function addRequestRow() {
    requestRows.appendChild(requestTemplate.content.cloneNode(true));
    syncRequestHouseholds();
  }

  if (requestRows && requestTemplate && addRequest) {
    addRequest.classList.remove("d-none");
    addRequest.addEventListener("click", function () {
      addRequestRow();
      changed();
    });
  }

  // --- draft ----------------------------------------------------------------------------------

  var draftBase = form.dataset.draftKey; // "vwlog:<user id>"
  var keyInput = form.querySelector("input[name=client_key]");
  var pointerKey = draftBase ? draftBase + ":current" : "";

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function draftKey(clientKey) {
    return draftBase + ":" + clientKey;
  }

  function serialize() {
    var kind = form.querySelector("input[name=kind]:checked");
    var rows = [];
    if (requestRows) {
      requestRows.querySelectorAll(".req-row").forEach(function (row) {
        rows.push({
          category: row.querySelector("[name=req_category]").value,
          household: row.querySelector("[name=req_household]").value,
          description: row.querySelector("[name=req_description]").value,
        });
      });
    }
    return {
      v: 1,
      client_key: keyInput.value,
      logged_on: form.elements.logged_on.value,
      village: villageSelect ? villageSelect.value : "",
      kind: kind ? kind.value : "",
      content: form.elements.content.value,
      households: Array.from(chosen.entries()),
      requests: rows,
      saved_at: Date.now(),
    };
  }

  function meaningful(draft) {
    return (
      (draft.content && draft.content.trim()) ||
      (draft.households && draft.households.length) ||
      (draft.requests || []).some(function (r) {
        return r.description && r.description.trim();
      })
    );
  }

  function saveDraft() {
    var store = storage();
    if (!store || !draftBase || !keyInput.value) return;
    try {
      var draft = serialize();
      if (!meaningful(draft)) return;
      store.setItem(draftKey(keyInput.value), JSON.stringify(draft));
      store.setItem(pointerKey, keyInput.value);
    } catch (e) {
      /* storage full or disabled: the form still works */
    }
  }

  function clearDraft(clientKey) {
    var store = storage();
    if (!store) return;
    store.removeItem(draftKey(clientKey));
    if (store.getItem(pointerKey) === clientKey) store.removeItem(pointerKey);
  }

  function restoreDraft() {
    var store = storage();
    if (!store || !draftBase) return false;
    var current = store.getItem(pointerKey);
    if (!current) return false;
    var draft;
    try {
      draft = JSON.parse(store.getItem(draftKey(current)) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || !meaningful(draft)) return false;
    keyInput.value = draft.client_key;
    if (draft.logged_on) form.elements.logged_on.value = draft.logged_on;
    if (villageSelect && draft.village && villageSelect.querySelector('option[value="' + draft.village + '"]')) {
      villageSelect.value = draft.village;
    }
    if (draft.kind) {
      var radio = form.querySelector('input[name=kind][value="' + draft.kind + '"]');
      if (radio) radio.checked = true;
    }
    form.elements.content.value = draft.content || "";
    chosen.clear();
    (draft.households || []).forEach(function (pair) {
      chosen.set(String(pair[0]), pair[1]);
    });
    renderChips();
    if (requestRows && requestTemplate) {
      requestRows.textContent = "";
      var rows = draft.requests && draft.requests.length ? draft.requests : [{}];
      rows.forEach(function (r) {
        addRequestRow();
        var row = requestRows.lastElementChild;
        row.querySelector("[name=req_category]").value = r.category || "";
        row.querySelector("[name=req_household]").value = r.household || "";
        row.querySelector("[name=req_description]").value = r.description || "";
      });
    }
    search();
    return true;
  }

  var notice = document.getElementById("draft-notice");
  var statusBox = document.getElementById("submit-status");
  var errorBox = document.getElementById("form-errors");

  function showStatus(text) {
    if (!statusBox) return;
    statusBox.textContent = text;
    statusBox.classList.toggle("d-none", !text);
    if (text) statusBox.scrollIntoView({ block: "center" });
  }

  function showErrors(errors) {
    if (!errorBox) return;
    errorBox.textContent = "";
    Object.keys(errors || {}).forEach(function (field) {
      (errors[field] || []).forEach(function (message) {
        errorBox.appendChild(el("div", "", typeof message === "string" ? message : message.message));
      });
    });
    errorBox.classList.remove("d-none");
    errorBox.scrollIntoView({ block: "center" });
  }

  // --- photos: shrink large ones on the phone ------------------------------------------------

  var maxBytes = (parseInt(form.dataset.photoMaxKb || "0", 10) || 2048) * 1024;

  function shrink(file, side, quality) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", quality);
      });
    });
  }

  function preparePhoto(file) {
    var ok = (file.type === "image/jpeg" || file.type === "image/png") && file.size <= maxBytes;
    if (ok || typeof createImageBitmap !== "function") return Promise.resolve(file);
    return shrink(file, 1600, 0.82)
      .then(function (blob) {
        return blob && blob.size <= maxBytes ? blob : shrink(file, 1200, 0.7);
      })
      .then(function (blob) {
        return blob || file;
      })
      .catch(function () {
        return file; // the server says what is wrong with it
      });
  }

  function buildBody() {
    var data = new FormData(form);
    data.delete("photos");
    var files = [];
    form.querySelectorAll("input[type=file][name=photos]").forEach(function (input) {
      Array.from(input.files || []).forEach(function (file) {
        files.push(file);
      });
    });
    return Promise.all(files.map(preparePhoto)).then(function (prepared) {
      prepared.forEach(function (blob, index) {
        var name = blob instanceof File ? blob.name : "photo" + (index + 1) + ".jpg";
        data.append("photos", blob, name);
      });
      return data;
    });
  }

  if (draftBase && keyInput) {
    if (restoreDraft() && notice) notice.classList.remove("d-none");
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    var discard = document.getElementById("draft-discard");
    if (discard) {
      discard.addEventListener("click", function () {
        clearDraft(keyInput.value);
        window.location.assign(form.action);
      });
    }
    var submitButton = document.getElementById("log-submit");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      saveDraft();
      var clientKey = keyInput.value;
      if (submitButton) {
        submitButton.disabled = true;
        submitButton.textContent = "正在保存…";
      }
      showStatus("");
      buildBody()
        .then(function (body) {
          return fetch(form.action, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "X-Requested-With": "fetch", Accept: "application/json" },
          });
        })
        .then(
          function (response) {
            var type = response.headers.get("content-type") || "";
            if (type.indexOf("application/json") === -1) {
              return { server: response.status };
            }
            return response.json();
          },
          function () {
            return { offline: true };
          }
        )
        .then(function (data) {
          if (data.ok) {
            clearDraft(clientKey); // only now: the server has the log
            window.location.assign(data.url);
            return;
          }
          if (data.offline) showStatus(OFFLINE);
          else if (data.server) showStatus("提交未成功（" + data.server + "），草稿已保存在本机。如登录已过期请重新登录后再提交");
          else showErrors(data.errors);
          if (submitButton) {
            submitButton.disabled = false;
            submitButton.textContent = "保存记录";
          }
        });
    });
    window.addEventListener("online", function () {
      if (statusBox && statusBox.textContent === OFFLINE) showStatus("网络已恢复，请点击「保存记录」提交");
    });
  }
})();
