/* The offline page: list the reflection drafts this browser keeps (written by app.js in
   localStorage under "reflection:<user>:<exercise>"). Nothing is sent anywhere. */
(function () {
  "use strict";

  var box = document.querySelector("[data-offline-drafts]");
  if (!box) { return; }
  var found = [];
  try {
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf("reflection:") === 0) {
        var kept = JSON.parse(window.localStorage.getItem(key) || "null");
        if (kept && typeof kept.text === "string" && kept.text) { found.push({ key: key, kept: kept }); }
      }
    }
  } catch (e) { found = []; }
  if (!found.length) { return; }
  box.textContent = "";
  found.sort(function (a, b) { return (b.kept.at || 0) - (a.kept.at || 0); });
  found.forEach(function (d, n) {
    var slug = d.key.split(":").slice(2).join(":");
    var card = document.createElement("section");
    card.className = "card";
    var h = document.createElement("h2");
    h.textContent = "Exercice « " + slug.replace(/-/g, " ") + " »";
    var when = document.createElement("p");
    when.className = "meta";
    when.textContent = d.kept.at ? "Gardé le " + new Date(d.kept.at).toLocaleString("fr-FR") : "";
    var label = document.createElement("label");
    label.htmlFor = "draft-" + n;
    label.textContent = "Votre texte (vous pouvez le copier)";
    var area = document.createElement("textarea");
    area.id = "draft-" + n;
    area.readOnly = true;
    area.rows = 8;
    area.value = d.kept.text;
    var link = document.createElement("a");
    link.href = "/exercices/" + encodeURIComponent(slug);
    link.textContent = "Rouvrir l'exercice (avec le réseau, le texte sera enregistré)";
    [h, when, label, area, link].forEach(function (x) { card.appendChild(x); });
    box.appendChild(card);
  });
})();
