// Behaviour of our pages that would otherwise be inline script: the
// Content-Security-Policy runs no inline script without the request's nonce and
// no inline event handler (onclick=...) or javascript: link at all.
(function ($) {
  "use strict";
  var token = $('meta[name="csrf-token"]').attr("content");
  var safe = /^(GET|HEAD|OPTIONS|TRACE)$/i;

  // API calls made with the browser's login (the session cookie) must carry the
  // CSRF token; the server refuses unsafe ones from elsewhere without it.
  $.ajaxSetup({
    beforeSend: function (xhr, settings) {
      if (token && !safe.test(settings.type || "GET") && !this.crossDomain) {
        xhr.setRequestHeader("X-CSRFToken", token);
      }
    }
  });

  // fetch() with the same rule, for scripts that do not use jQuery.
  window.aftersalesFetch = function (url, options) {
    options = options || {};
    var method = options.method || "GET";
    if (token && !safe.test(method)) {
      var headers = new Headers(options.headers || {});
      headers.set("X-CSRFToken", token);
      options.headers = headers;
    }
    options.credentials = options.credentials || "same-origin";
    return fetch(url, options);
  };

  // "Back" links (error pages): go back when there is a page to go back to.
  $(document).on("click", "a.as-back", function (event) {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // Buttons that ask before they act (a record's Delete): data-confirm="question".
  $(document).on("click", "button.as-confirm", function (event) {
    if (!window.confirm($(this).data("confirm"))) {
      event.preventDefault();
    }
  });

  // A step that needs a comment (a cancellation) asks for it when the box is empty.
  $(document).on("click", "button.as-transition[data-needs-comment]", function (event) {
    var box = $(this).closest("form").find("input[name=comment]");
    if (box.length && !$.trim(box.val())) {
      var said = window.prompt($(this).data("needs-comment"));
      if (!said || !$.trim(said)) {
        event.preventDefault();
        return;
      }
      box.val(said);
    }
  });

  // A step taken from a record's header saves what was typed in its working fields
  // first (the server writes both in one transaction): nothing typed is lost.
  $(document).on("submit", "#as-transition-form", function () {
    var form = $(this);
    form.find("input.as-carried").remove();
    $("form.as-work").find("input[name], textarea[name]").each(function () {
      if (this.name === "csrf_token" || this.value === this.defaultValue) { return; }
      $("<input type=\"hidden\" class=\"as-carried\">").attr("name", this.name).val(this.value).appendTo(form);
    });
  });
})(jQuery);
