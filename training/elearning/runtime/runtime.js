/* Package runtime: reading marks, case exercises, quiz, and the LMS connection (SCORM 1.2 or 2004).
   One adapter layer hides the version; with no LMS, progress stays in this browser.
   Confidentiality: the text written in an exercise is kept in localStorage only. It is never put in
   suspend_data, interactions or comments: the LMS learns only that an exercise was submitted. */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("package-data").textContent);
  var started = new Date().getTime();
  var answerPrefix = "tat-answer:" + cfg.course + ":";
  var progressKey = "tat-progress:" + cfg.course + ":" + cfg.module;

  function $(sel) { return document.querySelector(sel); }
  function $all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { return null; }
    return null;
  }

  /* -- finding the API: up window.parent, then from window.opener ------------------------------ */
  function search(win) {
    for (var hops = 0; win && hops < 12; hops++) {
      try {
        if (win.API_1484_11) { return { api: win.API_1484_11, v: "2004" }; }
        if (win.API) { return { api: win.API, v: "1.2" }; }
      } catch (e) { /* a frame of another origin: keep walking */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  function findApi() {
    var found = search(window);
    if (!found && window.opener) { found = search(window.opener); }
    return found;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function duration(ms, v) {
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    s = s % 60;
    return v === "1.2" ? pad(h) + ":" + pad(m) + ":" + pad(s) + ".00" : "PT" + h + "H" + m + "M" + s + "S";
  }

  /* -- one adapter for both versions (and for no LMS at all) ----------------------------------- */
  function adapter(found) {
    if (!found) {
      var saved = {};
      try { saved = JSON.parse(store(progressKey) || "{}") || {}; } catch (e) { saved = {}; }
      return {
        version: null, limit: 64000,
        start: function () { return true; },
        load: function () { return { suspend: saved.suspend || "", location: saved.location || "" }; },
        save: function (r) { store(progressKey, JSON.stringify(r)); },
        finish: function () {}
      };
    }
    var api = found.api, v12 = found.v === "1.2";
    var k = v12 ? { loc: "cmi.core.lesson_location", exit: "cmi.core.exit", time: "cmi.core.session_time",
      raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max" }
      : { loc: "cmi.location", exit: "cmi.exit", time: "cmi.session_time",
        raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max" };
    function get(key) { return String((v12 ? api.LMSGetValue(key) : api.GetValue(key)) || ""); }
    function set(key, value) { return v12 ? api.LMSSetValue(key, String(value)) : api.SetValue(key, String(value)); }
    function commit() { return v12 ? api.LMSCommit("") : api.Commit(""); }
    return {
      version: found.v, limit: v12 ? 4096 : 64000,
      start: function () {
        var ok = String(v12 ? api.LMSInitialize("") : api.Initialize("")) === "true";
        return ok;
      },
      load: function () { return { suspend: get("cmi.suspend_data"), location: get(k.loc) }; },
      save: function (r) {
        if (r.location) { set(k.loc, r.location); }
        set("cmi.suspend_data", r.suspend);
        if (r.score !== null) {
          set(k.min, 0); set(k.max, 100); set(k.raw, r.score);
          if (!v12) { set("cmi.score.scaled", (r.score / 100).toFixed(2)); }
        }
        if (v12) {
          set("cmi.core.lesson_status", r.success !== "unknown" ? r.success : r.completion);
        } else {
          set("cmi.completion_status", r.completion);
          set("cmi.success_status", r.success);
        }
        set(k.exit, "suspend");
        set(k.time, duration(new Date().getTime() - started, found.v));
        commit();
      },
      finish: function () { return v12 ? api.LMSFinish("") : api.Terminate(""); }
    };
  }

  /* -- state: sections read, exercises submitted (yes or no), quiz answers and best score ------ */
  var state = { r: cfg.sections.map(function () { return 0; }), e: cfg.exercises.map(function () { return 0; }),
    b: null, a: "" };
  var place = "";

  function encode() {
    return JSON.stringify({ r: state.r.join(""), e: state.e.join(""), b: state.b, a: state.a });
  }
  function decode(text) {
    try {
      var d = JSON.parse(text);
      if (typeof d.r === "string") { state.r = cfg.sections.map(function (_, i) { return d.r.charAt(i) === "1" ? 1 : 0; }); }
      if (typeof d.e === "string") { state.e = cfg.exercises.map(function (_, i) { return d.e.charAt(i) === "1" ? 1 : 0; }); }
      if (typeof d.b === "number") { state.b = d.b; }
      if (typeof d.a === "string") { state.a = d.a; }
    } catch (e) { /* no or unreadable resume state: start afresh */ }
  }

  function allRead() { return state.r.every(function (x) { return x === 1; }); }
  function statuses() {
    var quiz = cfg.quiz;
    if (!quiz) { return { completion: allRead() ? "completed" : "incomplete", success: "unknown" }; }
    if (state.b === null) { return { completion: "incomplete", success: "unknown" }; }
    return { completion: "completed", success: state.b >= quiz.pass ? "passed" : "failed" };
  }

  var lms = adapter(findApi());
  var connected = lms.version !== null && lms.start();
  if (lms.version !== null && !connected) { lms = adapter(null); }
  var finished = false;

  function persist() {
    var suspend = encode();
    if (suspend.length > lms.limit) { state.a = ""; suspend = encode(); }
    var s = statuses();
    lms.save({ suspend: suspend, location: place, score: state.b, completion: s.completion, success: s.success });
  }
  function finish() {
    if (finished) { return; }
    persist();
    finished = true;
    lms.finish();
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !finished) { persist(); }
  });

  var statusLine = $("[data-runtime-status]");
  statusLine.textContent = connected
    ? "Connecté à la plateforme de formation (SCORM " + lms.version + ")\u00a0: votre progression y est enregistrée."
    : "Aucune plateforme de formation détectée\u00a0: le module fonctionne, votre progression reste dans ce navigateur.";

  /* -- reading ---------------------------------------------------------------------------------- */
  function showRead() {
    cfg.sections.forEach(function (slug, i) {
      var read = state.r[i] === 1;
      $all("[data-read-badge='" + slug + "'], [data-read-done='" + slug + "']").forEach(function (el) { el.hidden = !read; });
      var button = $("[data-read='" + slug + "']");
      if (button) { button.hidden = read; }
    });
    var n = state.r.filter(function (x) { return x === 1; }).length;
    $("[data-progress]").textContent = String(Math.round(100 * n / Math.max(1, cfg.sections.length)));
  }
  $all("[data-read]").forEach(function (button) {
    button.addEventListener("click", function () {
      var slug = button.getAttribute("data-read"), i = cfg.sections.indexOf(slug);
      state.r[i] = 1;
      place = slug;
      showRead();
      persist();
      var next = cfg.sections[i + 1];
      var target = document.getElementById(next || "exercices");
      if (target && target.scrollIntoView) { target.scrollIntoView(); }
    });
  });

  /* -- exercises: text in localStorage only ------------------------------------------------------ */
  function showExercises() {
    cfg.exercises.forEach(function (slug, i) {
      var done = state.e[i] === 1;
      $("[data-debrief='" + slug + "']").hidden = !done;
      $("[data-exercise-done='" + slug + "']").hidden = !done;
    });
  }
  $all("form[data-exercise]").forEach(function (form) {
    var slug = form.getAttribute("data-exercise"), area = form.querySelector("textarea");
    area.value = store(answerPrefix + slug) || "";
    area.addEventListener("input", function () { store(answerPrefix + slug, area.value); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var empty = area.value.trim() === "";
      form.querySelector("[data-exercise-error]").hidden = !empty;
      if (empty) { return; }
      store(answerPrefix + slug, area.value);
      state.e[cfg.exercises.indexOf(slug)] = 1;
      place = slug;
      showExercises();
      persist();
    });
  });
  function myAnswers() {
    return cfg.exercises.map(function (slug) {
      var title = document.getElementById("h-" + slug).firstChild.textContent.trim();
      return { title: title, text: store(answerPrefix + slug) || "" };
    }).filter(function (a) { return a.text; });
  }
  var answersStatus = $("[data-answers-status]");
  $("[data-answers-download]").addEventListener("click", function () {
    var answers = myAnswers();
    if (!answers.length) { answersStatus.textContent = "Aucune réponse enregistrée sur cet appareil."; return; }
    var text = document.title + "\n\n" + answers.map(function (a) { return "## " + a.title + "\n\n" + a.text; }).join("\n\n");
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    link.download = "mes-reponses-" + cfg.module + ".txt";
    document.body.appendChild(link);
    link.click();
    link.remove();
    answersStatus.textContent = "Vos réponses sont téléchargées.";
  });
  $("[data-answers-erase]").addEventListener("click", function () {
    if (!window.confirm("Effacer de cet appareil le texte de vos réponses à ce module\u202f?")) { return; }
    cfg.exercises.forEach(function (slug) { store(answerPrefix + slug, null); });
    $all("form[data-exercise] textarea").forEach(function (area) { area.value = ""; });
    answersStatus.textContent = "Le texte de vos réponses est effacé de cet appareil.";
  });

  /* -- quiz: scored here, per-choice feedback, best result kept ---------------------------------- */
  var quizForm = $("form[data-quiz]");
  function chosen(q) {
    return $all("input[name='q-" + q.slug + "']:checked").map(function (i) { return i.value; }).sort();
  }
  function showResult(answers) {
    var right = 0;
    cfg.quiz.questions.forEach(function (q, i) {
      var picks = answers[i] || [], ok = picks.join(",") === q.correct.join(",");
      var box = quizForm.querySelector("[data-question='" + q.slug + "']");
      if (ok) { right++; }
      box.className = "question " + (ok ? "right" : "wrong");
      $all("[data-question='" + q.slug + "'] [data-feedback]").forEach(function (p) {
        var slug = p.getAttribute("data-feedback");
        p.hidden = picks.indexOf(slug) < 0 && q.correct.indexOf(slug) < 0;
      });
      box.querySelector("[data-explanation]").hidden = false;
      $all("[data-question='" + q.slug + "'] input").forEach(function (inp) {
        inp.checked = picks.indexOf(inp.value) >= 0;
        inp.disabled = true;
      });
    });
    var total = cfg.quiz.questions.length, percent = Math.round(100 * right / total);
    var result = $("[data-quiz-result]");
    result.hidden = false;
    result.className = percent >= cfg.quiz.pass ? "success" : "notice";
    result.textContent = "Votre résultat\u00a0: " + right + "/" + total + " (" + percent + "\u00a0%). " + (percent >= cfg.quiz.pass
      ? "Quiz réussi (seuil\u00a0: " + cfg.quiz.pass + "\u00a0%)."
      : "Pas encore le seuil de " + cfg.quiz.pass + "\u00a0%. Relisez les explications, puis recommencez.");
    $("[data-quiz-submit]").hidden = true;
    $("[data-quiz-retry]").hidden = false;
    return percent;
  }
  function showBest() {
    var best = $("[data-quiz-best]");
    if (!best || state.b === null) { return; }
    best.hidden = false;
    best.textContent = "Meilleur résultat\u00a0: " + state.b + "\u00a0%" + (state.b >= cfg.quiz.pass ? " (réussi)." : ".");
  }
  if (quizForm && cfg.quiz) {
    quizForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var answers = cfg.quiz.questions.map(chosen);
      var missing = answers.some(function (a) { return a.length === 0; });
      quizForm.querySelector("[data-quiz-error]").hidden = !missing;
      if (missing) { return; }
      var percent = showResult(answers);
      var shown = $("[data-quiz-result]");
      if (shown.scrollIntoView) { shown.scrollIntoView(); }
      state.b = state.b === null ? percent : Math.max(state.b, percent);
      state.a = answers.map(function (a) { return a.join("."); }).join("|");
      place = "quiz";
      showBest();
      persist();
    });
    $("[data-quiz-retry]").addEventListener("click", function () {
      $all("form[data-quiz] input").forEach(function (inp) { inp.checked = false; inp.disabled = false; });
      $all("form[data-quiz] [data-feedback], form[data-quiz] [data-explanation]").forEach(function (el) { el.hidden = true; });
      $all("form[data-quiz] fieldset").forEach(function (box) { box.className = "question"; });
      $("[data-quiz-result]").hidden = true;
      $("[data-quiz-submit]").hidden = false;
      $("[data-quiz-retry]").hidden = true;
    });
  }

  /* -- resume ------------------------------------------------------------------------------------ */
  var resumed = lms.load();
  decode(resumed.suspend);
  place = resumed.location;
  showRead();
  showExercises();
  if (cfg.quiz && state.a) { showResult(state.a.split("|").map(function (a) { return a ? a.split(".") : []; })); }
  if (cfg.quiz) { showBest(); }
  persist();
  if (place && document.getElementById(place)) {
    document.body.setAttribute("data-resumed-at", place);
    document.getElementById(place).scrollIntoView();
  }
}());
