/* Comfort only: every page works without this script.
   Reflection autosave: a copy in this browser (localStorage) at every keystroke, and a save
   on the server every 10 s and when leaving the field. The local copy is kept until the
   server has the same text, so a reload, a lost connection or an expired login loses nothing. */
(function () {
  "use strict";
  // « Retour au passage »: going back in history returns to the very place on the page that
  // cited the report; the link itself (the citing page) is the fallback without history.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-back]"), function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1 && document.referrer && document.referrer.indexOf(link.href) === 0) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
})();

(function () {
  "use strict";

  var form = document.getElementById("reflection-form");
  if (!form) { return; }
  var area = form.querySelector("textarea");
  var status = form.querySelector("[data-save-status]");
  var counter = form.querySelector("[data-counter]");
  var namesWarning = form.querySelector("[data-names-warning]");
  var revisionInput = form.querySelector("input[name=revision]");
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave-url");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var max = parseInt(area.getAttribute("data-max"), 10);
  var savedText = area.value;
  var timer = null;
  var inFlight = false;

  function say(text) { if (status) { status.textContent = text; } }

  function local(value) {
    try {
      if (value === undefined) { return JSON.parse(window.localStorage.getItem(key) || "null"); }
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { return null; }
    return null;
  }

  function fr(n) { return n.toLocaleString("fr-FR"); }

  function count() {
    var n = area.value.length;
    var text = fr(n) + (n < 2 ? " caractère" : " caractères") + " sur " + fr(max);
    if (n > max) {
      text += "\u00a0: " + fr(n - max) + " de trop. Votre texte est gardé en entier\u00a0; raccourcissez-le pour pouvoir l'enregistrer.";
    } else if (n === max) {
      text += "\u00a0: la limite est atteinte.";
    } else if (n > max * 0.9) {
      text += "\u00a0: il en reste " + fr(max - n) + ".";
    } else {
      text += ".";
    }
    if (counter) { counter.textContent = text; }
    area.setAttribute("aria-invalid", n > max ? "true" : "false");
  }

  // Kept equal to _NOT_NAMES in learning/services.py.
  var notNames = ["Je", "Il", "Elle", "On", "Nous", "Vous", "Ils", "Elles", "Le", "La", "Les", "Un", "Une",
    "Des", "Marseille", "France", "État", "Etat", "Police", "Mairie", "Ville", "CAF", "TAT", "RdRD", "ASE",
    "PJJ", "MILDECA", "ARS", "Monsieur", "Madame", "Ce", "Cette", "Mais", "Et", "Ou", "Si", "Quand", "Dans",
    "Pour", "Avec", "Sur", "En", "Au", "Aux", "Du", "De", "À", "Qui", "Que", "Quoi", "Comment", "Pourquoi",
    "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];
  function looksLikeName(w) {
    return /^[A-ZÀÂÉÈÊÎÔÛÇ][a-zàâäéèêëîïôöûüç]{2,}$/.test(w) && notNames.indexOf(w) < 0;
  }
  // Same rule as possible_names() on the server: any capitalised word mid-sentence, and a sentence's
  // first word when a capitalised word follows it (« Mohamed Benali est venu »).
  function possibleNames(text) {
    var found = [];
    text.split(/(?:[.!?…]\s+|\n+)/).forEach(function (sentence) {
      var words = sentence.trim().split(/\s+/).map(function (w) {
        return w.replace(/^[«"'(]+|[»"'),;:!?.…]+$/g, "");
      });
      for (var i = 0; i < words.length; i++) {
        var named = looksLikeName(words[i]) && (i > 0 || (words.length > 1 && looksLikeName(words[1])));
        if (named && found.indexOf(words[i]) < 0) { found.push(words[i]); }
      }
    });
    return found.slice(0, 8);
  }

  function checkNames() {
    if (!namesWarning) { return; }
    var names = possibleNames(area.value);
    namesWarning.hidden = names.length === 0;
    namesWarning.textContent = names.length ? "Votre texte semble contenir des noms de personnes (" + names.join(", ") +
      "). Pensez à les remplacer par un rôle." : "";
  }

  function save() {
    timer = null;
    var text = area.value;
    if (text === savedText || inFlight) { return; }
    if (text.length > max) {  // the server would refuse it; the local copy keeps it meanwhile
      say("Brouillon non enregistré sur le serveur tant que le texte dépasse la limite ; il est gardé sur cet appareil.");
      return;
    }
    inFlight = true;
    say("Enregistrement…");
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ text: text, revision: parseInt(revisionInput.value || "0", 10) })
    }).then(function (response) {
      if (response.status === 401 || response.redirected) {
        say("Votre session a expiré : reconnectez-vous dans un autre onglet. Votre texte est gardé sur cet appareil.");
        return null;
      }
      return response.json().then(function (data) {
        if (response.ok) {
          revisionInput.value = data.revision;
          savedText = text;
          if (area.value === text) { local(null); }
          var d = new Date(data.saved_at);
          say("Brouillon enregistré à " + d.getHours() + "\u00a0h\u00a0" + ("0" + d.getMinutes()).slice(-2) + ".");
        } else if (response.status === 409) {
          say("Ce texte a été modifié dans un autre onglet. Votre version est conservée ici ; " +
              "cliquez sur « Enregistrer le brouillon » pour choisir.");
        } else {
          say(data.error || "Enregistrement impossible pour l'instant ; votre texte est gardé sur cet appareil.");
        }
      });
    }).catch(function () {
      say("Pas de connexion : votre texte est gardé sur cet appareil et sera enregistré dès le retour du réseau.");
    }).then(function () { inFlight = false; });
  }

  function changed() {
    local({ text: area.value, at: Date.now() });
    count();
    checkNames();
    if (!timer) { timer = window.setTimeout(save, 10000); }
  }

  var kept = local();
  if (kept && typeof kept.text === "string" && kept.text !== area.value) {
    area.value = kept.text;
    say("Votre texte non enregistré a été restauré depuis cet appareil.");
    window.setTimeout(save, 500);
  } else if (kept) {
    local(null);
  }
  count();
  checkNames();
  area.addEventListener("input", changed);
  area.addEventListener("blur", function () { if (timer) { window.clearTimeout(timer); } save(); });
  window.addEventListener("online", save);
  form.addEventListener("submit", function () { local({ text: area.value, at: Date.now() }); });
})();
