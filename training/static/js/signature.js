/* Signature pad: draw with a finger, a stylus or a mouse on <canvas data-signature-for="INPUT_ID">.
   Strokes are stored as [[[x, y], …], …] with x and y between 0 and 1, so the sheet and the PDF
   can redraw them at any size as vector lines. */
(function () {
  "use strict";

  function setup(canvas) {
    var input = document.getElementById(canvas.getAttribute("data-signature-for"));
    var form = input.form;
    var ctx = canvas.getContext("2d");
    var strokes = [];
    var current = null;

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      redraw();
    }

    function redraw() {
      var rect = canvas.getBoundingClientRect();
      ctx.clearRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#1d2433";
      strokes.forEach(function (stroke) {
        ctx.beginPath();
        stroke.forEach(function (pt, i) {
          var x = pt[0] * rect.width, y = pt[1] * rect.height;
          if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
        });
        if (stroke.length === 1) { ctx.lineTo(stroke[0][0] * rect.width + 0.5, stroke[0][1] * rect.height); }
        ctx.stroke();
      });
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      var x = (event.clientX - rect.left) / rect.width;
      var y = (event.clientY - rect.top) / rect.height;
      return [Math.min(1, Math.max(0, Math.round(x * 10000) / 10000)),
              Math.min(1, Math.max(0, Math.round(y * 10000) / 10000))];
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [point(event)];
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      event.preventDefault();
      current.push(point(event));
      redraw();
    });
    function end() { current = null; input.value = strokes.length ? JSON.stringify(strokes) : ""; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    var clear = document.querySelector("[data-signature-clear='" + input.id + "']");
    if (clear) {
      clear.hidden = false;
      clear.addEventListener("click", function () { strokes = []; input.value = ""; redraw(); });
    }
    form.addEventListener("submit", function () { input.value = strokes.length ? JSON.stringify(strokes) : ""; });
    window.addEventListener("resize", resize);
    resize();
  }

  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-signature-for]"), setup);
  Array.prototype.forEach.call(document.querySelectorAll("[data-needs-js]"), function (el) { el.hidden = true; });
})();
