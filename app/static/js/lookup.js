// Foreign-key fields rendered by app.widgets.LookupField: select2 asking the
// server page by page as the user types, instead of loading a whole table.
//
// Keyboard: an opened lookup takes the typing at once (select2 4.0.13 with jQuery
// 3.6 leaves the focus outside its search field); a letter typed on a closed lookup
// opens it with that letter; Enter picks the first option of what was typed, also
// when pressed before the answer to the last letters came; Tab moves on.
//
// Dependent lookups (data-depends="customer"): the rows offered are those of the
// form's `customer` field when it has a value, and picking a row fills that field
// with the row's customer (the server's answer carries it).
(function ($) {
  "use strict";

  var open = null; // the <select> whose dropdown is open
  var shown = {}; // select id -> the search text the shown options answer
  var enterWaiting = false; // Enter pressed before the options of the text came

  function searchField() {
    return document.querySelector(
      ".select2-container--open .select2-search--dropdown .select2-search__field"
    ) || document.querySelector(".select2-container--open .select2-search__field");
  }

  function dependsOn(el) {
    var names = String(el.data("depends") || "").split(/\s+/);
    return names.filter(function (n) { return n; });
  }

  function sibling(el, name) {
    var scope = el.closest("form");
    if (!scope.length) { scope = $(document); }
    return scope.find("select[name='" + name + "']").first();
  }

  function fill(parent, item) {
    if (!parent.length || String(parent.val() || "") === String(item.id)) { return; }
    if (!parent.find("option[value='" + item.id + "']").length) {
      parent.append(new Option(item.text, item.id, false, false));
    }
    parent.val(String(item.id)).trigger("change");
  }

  function init(el) {
    var key = el.attr("id") || el.attr("name");
    el.select2({
      theme: "bootstrap",
      allowClear: true,
      width: "100%",
      placeholder: el.data("placeholder") || "",
      minimumInputLength: 0,
      ajax: {
        url: el.data("lookup-url"),
        dataType: "json",
        delay: 200,
        data: function (params) {
          var query = { q: params.term || "", page: params.page || 1 };
          dependsOn(el).forEach(function (name) {
            var value = sibling(el, name).val();
            if (value) { query[name] = value; }
          });
          return query;
        },
        processResults: function (data, params) {
          shown[key] = params.term || "";
          if (enterWaiting && open && open[0] === el[0]) {
            var field = searchField();
            if (field && field.value === shown[key]) {
              enterWaiting = false;
              window.setTimeout(function () {
                $(field).trigger($.Event("keydown", { which: 13, keyCode: 13, key: "Enter" }));
              }, 0);
            }
          }
          return { results: data.results, pagination: { more: data.more } };
        }
      }
    });
    el.on("select2:select", function (e) {
      var data = e.params.data || {};
      dependsOn(el).forEach(function (name) {
        if (data[name]) { fill(sibling(el, name), data[name]); }
      });
    });
  }

  $(document).on("select2:open", function (e) {
    open = $(e.target);
    enterWaiting = false;
    var field = searchField();
    if (field) { field.focus(); }
  });
  $(document).on("select2:close", function () {
    open = null;
    enterWaiting = false;
  });

  // Capture phase: before select2's own handlers, which swallow Tab and take Enter
  // for the option highlighted among those of an older text.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!open || !t || !t.classList || !t.classList.contains("select2-search__field")) {
      return;
    }
    var key = open.attr("id") || open.attr("name");
    if (e.key === "Tab") {
      e.stopPropagation(); // the browser moves the focus on from the closed lookup
      open.select2("close");
    } else if (e.key === "Enter" && !e.isComposing && shown[key] !== t.value) {
      e.preventDefault();
      e.stopPropagation();
      enterWaiting = true; // picked when the options of this text come
    }
  }, true);

  // A letter typed on a closed single lookup opens it and goes into its search field.
  $(document).on("keydown", ".select2-selection--single", function (e) {
    if (e.key.length !== 1 || e.key === " " || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var el = $(this).closest(".select2-container").prev("select.as-lookup");
    if (!el.length || el.prop("disabled") || el.data("select2").isOpen()) { return; }
    e.preventDefault();
    el.select2("open");
    var field = searchField();
    if (field) {
      field.focus();
      field.value += e.key;
      $(field).trigger("input");
    }
  });

  $(function () {
    $("select.as-lookup").each(function () { init($(this)); });
  });
})(jQuery);
