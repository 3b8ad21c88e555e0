// The anonymous ballot page. The code comes from the URL fragment (/v/#CODE), which browsers never
// send to a server; it is removed from the address bar at once and posted only in a JSON body, with
// no cookies (credentials: "omit"). Every choice is an explicit tap; a review step comes before the
// ballot is sent. Built with DOM calls only (no innerHTML, no inline script: CSP).
(function () {
  "use strict";
  var app = document.getElementById("ballot-app");
  if (!app) return;
  var lookupUrl = app.dataset.lookupUrl;
  var submitUrl = app.dataset.submitUrl;
  var state = { code: "", form: null, answers: {}, chosen: [], writeIns: [] };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function show(step) {
    ["step-code", "step-ballot", "step-review", "step-done"].forEach(function (id) {
      $(id).hidden = id !== step;
    });
    window.scrollTo(0, 0);
  }
  function error(message) {
    var box = $("vote-error");
    box.textContent = message || "";
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "nearest" });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }
  function messageOf(result) {
    if (result.data && result.data.error && result.data.error.message) return result.data.error.message;
    return "网络或服务器出现问题（" + result.status + "），请稍后重试。";
  }
  var isRating = function () { return state.form && state.form.session.kind !== "recommendation"; };
  function picks() { return state.chosen.length + state.writeIns.length; }

  // --- step 1: the code -----------------------------------------------------------------------
  function loadBallot(code) {
    error("");
    state.code = code;
    $("code-submit").disabled = true;
    post(lookupUrl, { code: code }).then(function (result) {
      $("code-submit").disabled = false;
      if (result.status !== 200) { show("step-code"); error(messageOf(result)); return; }
      state.form = result.data;
      renderBallot();
      show("step-ballot");
    }).catch(function () {
      $("code-submit").disabled = false;
      show("step-code");
      error("网络连接失败，请检查网络后重试。");
    });
  }
  $("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("code-input").value.trim();
    if (!code) { error("请输入票码。"); return; }
    loadBallot(code);
  });

  // --- step 2: the ballot ---------------------------------------------------------------------
  function renderBallot() {
    var form = state.form;
    $("ballot-title").textContent = form.session.title;
    $("ballot-meta").textContent = form.session.kind_label + " · " + form.group;
    $("test-banner").hidden = !form.session.test;
    if (form.session.description) {
      $("ballot-description").textContent = form.session.description;
      $("ballot-description").hidden = false;
    }
    var items = $("ballot-items");
    items.replaceChildren();
    state.answers = {};
    state.chosen = [];
    state.writeIns = [];
    if (isRating()) {
      $("ballot-instructions").textContent = "请对每一位逐一选择意见（共 " + form.subjects.length + " 人），每人只能选一项。";
      form.subjects.forEach(function (subject, index) {
        var card = el("div", "vote-item");
        card.id = "item-" + index;
        card.appendChild(el("div", "vote-item-name", subject.label));
        if (subject.note) card.appendChild(el("div", "vote-item-note", subject.note));
        var group = el("div", "vote-options");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", subject.label);
        form.options.forEach(function (option) {
          var button = el("button", "vote-option", option);
          button.type = "button";
          button.setAttribute("aria-pressed", "false");
          button.dataset.subject = subject.label;
          button.dataset.option = option;
          button.addEventListener("click", function () {
            state.answers[subject.label] = option;
            group.querySelectorAll("button").forEach(function (b) {
              b.setAttribute("aria-pressed", b === button ? "true" : "false");
            });
            card.classList.add("is-done");
            card.classList.remove("is-missing");
            updateStatus();
          });
          group.appendChild(button);
        });
        card.appendChild(group);
        items.appendChild(card);
      });
    } else {
      var limits = "最多选 " + form.max_choices + " 人";
      if (form.min_choices > 0) limits += "，至少选 " + form.min_choices + " 人";
      $("ballot-instructions").textContent = "请点选您推荐的人选（" + limits + "），再点一次取消。";
      form.subjects.forEach(function (subject) {
        var button = el("button", "vote-pick");
        button.type = "button";
        button.setAttribute("aria-pressed", "false");
        button.dataset.subject = subject.label;
        button.appendChild(document.createTextNode(subject.label));
        if (subject.note) button.appendChild(el("span", "vote-item-note", subject.note));
        button.addEventListener("click", function () {
          var at = state.chosen.indexOf(subject.label);
          if (at >= 0) {
            state.chosen.splice(at, 1);
            button.setAttribute("aria-pressed", "false");
          } else if (picks() >= form.max_choices) {
            error("最多只能选 " + form.max_choices + " 人。请先取消一位再选。");
            return;
          } else {
            state.chosen.push(subject.label);
            button.setAttribute("aria-pressed", "true");
          }
          error("");
          updateStatus();
        });
        items.appendChild(button);
      });
      $("write-in").hidden = !form.write_in;
    }
    updateStatus();
  }
  function renderWriteIns() {
    var list = $("write-in-list");
    list.replaceChildren();
    state.writeIns.forEach(function (name, index) {
      var chip = el("span", "vote-chip", name);
      var remove = el("button", "", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", "删除 " + name);
      remove.addEventListener("click", function () {
        state.writeIns.splice(index, 1);
        renderWriteIns();
        updateStatus();
      });
      chip.appendChild(remove);
      list.appendChild(chip);
    });
  }
  $("write-in-add").addEventListener("click", function () {
    var input = $("write-in-input");
    var name = input.value.replace(/\s+/g, "");
    if (!name) { error("请填写另选人员的姓名。"); return; }
    if (picks() >= state.form.max_choices) { error("最多只能选 " + state.form.max_choices + " 人。"); return; }
    if (state.writeIns.indexOf(name) >= 0 || state.chosen.indexOf(name) >= 0) { error("同一人不能重复推荐。"); return; }
    if (state.form.subjects.some(function (s) { return s.label === name; })) { error("「" + name + "」已在名单中，请直接点选。"); return; }
    state.writeIns.push(name);
    input.value = "";
    error("");
    renderWriteIns();
    updateStatus();
  });
  function missing() {
    return state.form.subjects.filter(function (s) { return !(s.label in state.answers); });
  }
  function updateStatus() {
    var form = state.form;
    if (!form) return;
    if (isRating()) {
      var left = missing().length;
      $("ballot-status").textContent = left ? "已选 " + (form.subjects.length - left) + " / " + form.subjects.length + " 人，还有 " + left + " 人未选" : "全部已选，请核对后提交";
    } else {
      $("ballot-status").textContent = "已选 " + picks() + " 人，最多 " + form.max_choices + " 人" + (form.min_choices ? "，至少 " + form.min_choices + " 人" : "");
    }
  }
  $("to-review").addEventListener("click", function () {
    var form = state.form;
    if (isRating()) {
      var left = missing();
      if (left.length) {
        left.forEach(function (s) { $("item-" + form.subjects.indexOf(s)).classList.add("is-missing"); });
        error("还有 " + left.length + " 人未选择意见：" + left.map(function (s) { return s.label; }).slice(0, 5).join("、"));
        $("item-" + form.subjects.indexOf(left[0])).scrollIntoView({ block: "center" });
        return;
      }
    } else if (picks() < form.min_choices) {
      error("至少要推荐 " + form.min_choices + " 人。");
      return;
    } else if (picks() > form.max_choices) {
      error("最多只能推荐 " + form.max_choices + " 人。");
      return;
    }
    error("");
    renderReview();
    show("step-review");
  });

  // --- step 3: review and submit --------------------------------------------------------------
  function renderReview() {
    var list = $("review-list");
    list.replaceChildren();
    if (isRating()) {
      state.form.subjects.forEach(function (s) {
        var item = el("li", "list-group-item d-flex justify-content-between");
        item.appendChild(el("span", "", s.label));
        item.appendChild(el("span", "review-choice", state.answers[s.label]));
        list.appendChild(item);
      });
    } else if (!picks()) {
      list.appendChild(el("li", "list-group-item review-choice", "您没有推荐任何人（弃权）"));
    } else {
      state.chosen.concat(state.writeIns).forEach(function (name) {
        var item = el("li", "list-group-item d-flex justify-content-between");
        item.appendChild(el("span", "", name));
        item.appendChild(el("span", "review-choice", state.writeIns.indexOf(name) >= 0 ? "另选推荐" : "推荐"));
        list.appendChild(item);
      });
    }
  }
  $("back-to-ballot").addEventListener("click", function () { error(""); show("step-ballot"); });
  $("submit-ballot").addEventListener("click", function () {
    var button = $("submit-ballot");
    button.disabled = true;
    var answers = isRating() ? state.answers : { chosen: state.chosen, write_in: state.writeIns };
    post(submitUrl, { code: state.code, answers: answers }).then(function (result) {
      button.disabled = false;
      if (result.status === 201) {
        state.code = "";
        error("");
        show("step-done");
        return;
      }
      error(messageOf(result));
      if (result.status === 400) show("step-ballot");
    }).catch(function () {
      button.disabled = false;
      error("网络连接失败，选票没有提交成功。请检查网络后再点「确认投票」。");
    });
  });

  // --- start: take the code from the fragment and drop it from the address bar and history ----
  function codeFromFragment() {
    var fromHash = decodeURIComponent((window.location.hash || "").replace(/^#/, "")).trim();
    if (!fromHash) return;
    window.history.replaceState(null, "", window.location.pathname);
    $("code-input").value = fromHash;
    loadBallot(fromHash);
  }
  window.addEventListener("hashchange", codeFromFragment);  // another QR code scanned into this tab
  codeFromFragment();
})();
