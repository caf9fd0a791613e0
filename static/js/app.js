// Behaviour the pages declare in data attributes, so that no page needs inline script (the
// Content-Security-Policy runs only scripts from our origin or with the request's nonce).
//   <form data-confirm="Question?">  asks before it is submitted; "Cancel" keeps it unsent.
//   <select data-submit-on-change>   submits its form as soon as another option is chosen.
//   <button data-confirm="Question?"> asks before this submit button sends its form.
//   <button data-print>              prints the page.
// Before printing, a print header without a title (base.html) takes the page's first heading,
// and every chart is redrawn to the width of the paper (and back to the screen's afterwards).
(function () {
  "use strict";
  function fitCharts() {
    if (window.Chart && window.Chart.instances) {
      Object.keys(window.Chart.instances).forEach(function (id) {
        window.Chart.instances[id].resize();
      });
    }
  }
  window.addEventListener("beforeprint", fitCharts);
  window.addEventListener("afterprint", fitCharts);
  if (window.matchMedia) {
    var paper = window.matchMedia("print");
    if (paper.addEventListener) { paper.addEventListener("change", fitCharts); }
  }
  window.addEventListener("beforeprint", function () {
    var title = document.querySelector(".print-header-title");
    var heading = document.querySelector("main h1");
    if (title && !title.textContent.trim() && heading) {
      title.textContent = heading.textContent.trim();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
    var button = event.submitter;
    if (!event.defaultPrevented && button instanceof HTMLElement && button.dataset.confirm !== undefined) {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
      }
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });
})();
