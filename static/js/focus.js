// Where keyboard and screen reader users land on a page.
// After an action (a form was sent from the previous page) focus goes to the message that says
// what happened, or else to the page's heading, instead of the top of the page. A sticky bar of
// buttons leaves room below a focused field so it is never hidden behind the bar. A table that
// scrolls sideways in its box (on a phone) can be reached by keyboard to scroll it.
(function () {
  "use strict";
  const ACTED = "vc-acted";

  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) sessionStorage.setItem(ACTED, "1");
  });

  function landing() {
    const message = document.querySelector(".messages");
    if (message) return message;
    if (sessionStorage.getItem(ACTED)) return document.querySelector("main h1");
    return null;
  }

  function focusLanding() {
    const target = landing();
    sessionStorage.removeItem(ACTED);
    // A field the page focuses itself (autofocus) or a link to a part of the page wins.
    if (!target || window.location.hash) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function roomForStickyBar() {
    const bar = document.querySelector(".sticky-actions");
    if (!bar) return;
    const room = bar.getBoundingClientRect().height + 16;
    document.documentElement.style.scrollPaddingBottom = room + "px";
  }

  function scrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }

  roomForStickyBar();
  scrollableTables();
  window.addEventListener("resize", roomForStickyBar);
  window.addEventListener("resize", scrollableTables);
  focusLanding();
})();
