// Foreign-key fields rendered by app.widgets.LookupField: select2 asking the
// server page by page as the user types, instead of loading a whole table.
(function ($) {
  "use strict";
  $(function () {
    $("select.as-lookup").each(function () {
      var el = $(this);
      el.select2({
        theme: "bootstrap",
        allowClear: true,
        width: "100%",
        placeholder: el.data("placeholder") || "",
        minimumInputLength: 0,
        ajax: {
          url: el.data("lookup-url"),
          dataType: "json",
          delay: 250,
          data: function (params) {
            return { q: params.term || "", page: params.page || 1 };
          },
          processResults: function (data) {
            return { results: data.results, pagination: { more: data.more } };
          }
        }
      });
    });
  });
})(jQuery);
