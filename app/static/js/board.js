// Boards (app/board.py, aftersales/board.html): moving a card runs the record's step.
// A card dropped on a column, or a step chosen in its "Next step" menu (keyboard),
// POSTs to the record's transition endpoint (the one its page's buttons use, with the
// CSRF token): the service decides. The step is the card's allowed one whose target is
// that column's state; with none the card stays and the board says why. A step that
// needs a comment asks for it first. Then the board reloads and shows the flashed
// message (the endpoint's redirect is not followed, so the message waits for us).
(function () {
  "use strict";
  var board = document.querySelector(".as-board");
  if (!board || board.getAttribute("data-can-write") !== "1") { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var box = document.getElementById("as-board-msg");
  var dragged = null;

  function msg(name) { return board.getAttribute("data-msg-" + name) || ""; }

  function fill(text, values) {
    Object.keys(values).forEach(function (key) { text = text.split(key).join(values[key]); });
    return text;
  }

  function say(text, kind) {
    box.innerHTML = "";
    var div = document.createElement("div");
    div.className = "alert alert-" + (kind || "danger");
    div.setAttribute("role", "alert");
    div.textContent = text;
    box.appendChild(div);
  }

  function stepOf(button) {
    return {
      action: button.getAttribute("data-action"),
      target: button.getAttribute("data-target"),
      targetLabel: button.getAttribute("data-target-label"),
      needsComment: button.getAttribute("data-needs-comment") === "1",
      url: button.getAttribute("formaction"),
      label: button.textContent.trim()
    };
  }

  function stepsOf(card) {
    return Array.prototype.map.call(card.querySelectorAll("button.as-step"), stepOf);
  }

  function post(step, comment, card) {
    var body = new FormData();
    body.append("csrf_token", token);
    if (comment) { body.append("comment", comment); }
    card.classList.add("as-card-busy");
    fetch(step.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": token }
    }).then(function (r) {
      if (r.type === "opaqueredirect" || r.ok) {
        window.location.reload();
        return;
      }
      card.classList.remove("as-card-busy");
      say(r.status === 403 ? msg("denied") : msg("failed"));
    }).catch(function () {
      card.classList.remove("as-card-busy");
      say(msg("failed"));
    });
  }

  // the comment a step needs: a dialog (Bootstrap's modal), then the POST
  var modal = document.getElementById("as-board-comment");
  var pending = null;
  function ask(step, card) {
    pending = { step: step, card: card };
    document.getElementById("as-board-comment-title").textContent =
      card.getAttribute("data-number") + ": " + step.label;
    var text = document.getElementById("as-board-comment-text");
    text.value = "";
    modal.querySelector(".as-board-comment-error").hidden = true;
    window.jQuery(modal).modal("show");
    window.jQuery(modal).one("shown.bs.modal", function () { text.focus(); });
  }
  if (modal) {
    document.getElementById("as-board-comment-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var comment = document.getElementById("as-board-comment-text").value.trim();
      if (!comment) {
        var err = modal.querySelector(".as-board-comment-error");
        err.textContent = msg("comment");
        err.hidden = false;
        return;
      }
      var job = pending;
      pending = null;
      window.jQuery(modal).modal("hide");
      if (job) { post(job.step, comment, job.card); }
    });
  }

  function run(step, card) {
    if (step.needsComment) { ask(step, card); } else { post(step, null, card); }
  }

  // the keyboard's way: a step chosen in the card's menu
  board.addEventListener("click", function (e) {
    var button = e.target.closest("button.as-step");
    if (!button) { return; }
    e.preventDefault();
    run(stepOf(button), button.closest(".as-card"));
  });

  // the mouse's way: drag and drop
  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".as-card[draggable=true]");
    if (!card) { return; }
    dragged = card;
    card.classList.add("as-card-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
    var targets = stepsOf(card).map(function (s) { return s.target; });
    board.querySelectorAll(".as-board-col").forEach(function (col) {
      var state = col.getAttribute("data-state");
      if (state === card.getAttribute("data-state")) { return; }
      col.classList.add(targets.indexOf(state) >= 0 ? "as-board-col-allowed" : "as-board-col-refused");
    });
  });

  function clear() {
    if (dragged) { dragged.classList.remove("as-card-dragging"); }
    board.querySelectorAll(".as-board-col").forEach(function (col) {
      col.classList.remove("as-board-col-allowed", "as-board-col-refused", "as-board-col-over");
    });
  }
  board.addEventListener("dragend", function () { clear(); dragged = null; });

  board.addEventListener("dragover", function (e) {
    var col = e.target.closest(".as-board-col");
    if (!dragged || !col) { return; }
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".as-board-col-over").forEach(function (c) {
      if (c !== col) { c.classList.remove("as-board-col-over"); }
    });
    col.classList.add("as-board-col-over");
  });

  board.addEventListener("drop", function (e) {
    var col = e.target.closest(".as-board-col");
    var card = dragged;
    clear();
    dragged = null;
    if (!card || !col) { return; }
    e.preventDefault();
    var state = col.getAttribute("data-state");
    if (state === card.getAttribute("data-state")) { return; }
    var steps = stepsOf(card);
    var chosen = steps.filter(function (s) { return s.target === state; });
    if (!chosen.length) {
      var from = board.querySelector('.as-board-col[data-state="' + card.getAttribute("data-state") + '"]');
      var text = fill(msg("not-allowed"), {
        __NUMBER__: card.getAttribute("data-number"),
        __FROM__: from ? from.getAttribute("data-label") : card.getAttribute("data-state"),
        __TO__: col.getAttribute("data-label")
      });
      var names = steps.map(function (s) { return s.label; });
      text += " " + (names.length ? fill(msg("steps"), { __STEPS__: names.join(", ") }) : msg("no-steps"));
      say(text, "warning");
      return;
    }
    run(chosen[0], card);
  });
})();
