/* Presentation mode, comfort only: every slide also works as its own page (?diapo=N) with
   « Précédent » / « Suivant » links. Here the deck switches slides in place, from the keyboard
   or a presentation clicker (which sends PageUp / PageDown), keeps the address in sync, toggles
   full screen with « f », and shrinks a dense slide until it fits the screen. */
(function () {
  "use strict";

  var deck = document.getElementById("deck");
  if (!deck) { return; }
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var total = slides.length;
  var base = deck.getAttribute("data-base-url");
  var current = parseInt(deck.getAttribute("data-current"), 10) || 1;
  var prevLink = deck.querySelector("[data-nav=prev]");
  var nextLink = deck.querySelector("[data-nav=next]");
  var position = deck.querySelector("[data-position]");
  var fsButton = deck.querySelector("[data-fullscreen]");
  var FIT_LEVELS = 8;
  var NEXT_KEYS = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
  var PREV_KEYS = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];

  function urlFor(n) { return base + "?diapo=" + n; }

  function setLink(link, n) {
    if (!link) { return; }
    if (n >= 1 && n <= total) {
      link.setAttribute("href", urlFor(n));
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }

  // Shrink the slide's type step by step while it overflows (see .fit-N in presentation.css).
  function fit(slide) {
    var level = 0;
    for (var i = 1; i <= FIT_LEVELS; i++) { slide.classList.remove("fit-" + i); }
    while (level < FIT_LEVELS && slide.scrollHeight > slide.clientHeight + 1) {
      if (level) { slide.classList.remove("fit-" + level); }
      level += 1;
      slide.classList.add("fit-" + level);
    }
  }

  function show(n) {
    n = Math.max(1, Math.min(total, n));
    var old = slides[current - 1];
    var slide = slides[n - 1];
    var focusWasInside = old && old !== slide && old.contains(document.activeElement);
    slides.forEach(function (s, i) {
      var on = i === n - 1;
      s.hidden = !on;
      s.classList.toggle("is-current", on);
    });
    current = n;
    deck.setAttribute("data-current", String(n));
    if (position) { position.textContent = "Diapositive " + n + " / " + total; }
    setLink(prevLink, n - 1);
    setLink(nextLink, n + 1);
    fit(slide);
    slide.scrollTop = 0;
    if (focusWasInside) { slide.focus({ preventScroll: true }); }
    var flashes = deck.querySelector("[data-flashes]");
    if (flashes && old !== slide) { flashes.parentNode.removeChild(flashes); }
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", urlFor(n)); }
  }

  function fullscreenElement() { return document.fullscreenElement || document.webkitFullscreenElement || null; }

  function toggleFullscreen() {
    var root = document.documentElement;
    if (fullscreenElement()) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
      return;
    }
    var request = root.requestFullscreen || root.webkitRequestFullscreen;
    if (!request) { return; }
    var result = request.call(root);
    if (result && result.catch) { result.catch(function () { /* refused by the browser: stay as is */ }); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    // Typing in the synthesis: the keys belong to the text. Escape leaves the field.
    if (tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT" || (target && target.isContentEditable)) {
      if (event.key === "Escape" && tag === "TEXTAREA") { target.blur(); }
      return;
    }
    var key = event.key;
    // On a link or a button, Space and Enter keep their usual meaning (follow, press).
    if ((tag === "A" || tag === "BUTTON" || tag === "SUMMARY") && (key === " " || key === "Enter")) { return; }
    if (key === " " && event.shiftKey) {
      show(current - 1);
    } else if (NEXT_KEYS.indexOf(key) >= 0) {
      show(current + 1);
    } else if (PREV_KEYS.indexOf(key) >= 0) {
      show(current - 1);
    } else if (key === "Home") {
      show(1);
    } else if (key === "End") {
      show(total);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else {
      return;
    }
    event.preventDefault();
  });

  [[prevLink, -1], [nextLink, 1]].forEach(function (pair) {
    var link = pair[0];
    if (!link) { return; }
    link.addEventListener("click", function (event) {
      if (!link.hasAttribute("href") || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      show(current + pair[1]);
    });
  });

  if (fsButton && (document.fullscreenEnabled || document.webkitFullscreenEnabled)) {
    fsButton.hidden = false;
    fsButton.addEventListener("click", toggleFullscreen);
    ["fullscreenchange", "webkitfullscreenchange"].forEach(function (name) {
      document.addEventListener(name, function () {
        fsButton.setAttribute("aria-pressed", fullscreenElement() ? "true" : "false");
      });
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { fit(slides[current - 1]); }, 100);
  });

  if (total) { fit(slides[current - 1]); }
})();
