/* The attendance sheet without network. Included by the sheet and its signing pages:
   <script src="offline-sheet.js" data-offline-sheet="SESSION_ID" defer>.
   Online, forms post as usual. Offline, a mark, an arrival time, the paper box, a tablet signature
   or the trainer's signature goes to the IndexedDB queue (offline-queue.js) and shows at once as
   « en attente d'envoi »; the queue is sent in order on `online` and every 20 s, then each item
   shows « enregistré », or the server's reason with a way to resolve it. */
(function () {
  "use strict";

  var Q = window.OfflineQueue;
  var script = document.currentScript;
  if (!Q || !script || !window.indexedDB) { return; }
  var sessionId = +script.getAttribute("data-offline-sheet");
  var sheetPath = "/seances/" + sessionId;
  var onSheet = location.pathname === sheetPath;
  var STATUS = { present: "Présent", late: "En retard", excused: "Absence excusée", absent: "Absent" };
  var RULE = "Deux saisies sur la même ligne : la plus récente l'emporte ; l'autre reste dans l'historique, " +
    "avec les deux valeurs.";
  var busy = false;
  var me = Q.currentUser();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  var css = el("link");
  css.rel = "stylesheet";
  css.href = "/static/css/offline.css";
  document.head.appendChild(css);

  var badge = el("p", "offline-count");
  badge.setAttribute("role", "status");
  badge.setAttribute("aria-live", "polite");
  badge.setAttribute("data-offline-count", "");
  (document.querySelector(".site-header .header-row") || document.body).appendChild(badge);

  var panel = el("section", "offline-panel");
  panel.setAttribute("aria-label", "Saisies hors connexion");
  var main = document.querySelector("main") || document.body;
  var h1 = main.querySelector("h1");
  main.insertBefore(panel, h1 ? h1.nextSibling : main.firstChild);

  function describe(item) {
    if (item.kind === "trainer_signature") { return "Signature du formateur (verrouille la feuille)"; }
    var parts = [STATUS[item.status] || item.status];
    if (item.status === "late" && item.arrival) { parts.push("arrivée " + item.arrival); }
    if (item.signature) { parts.push("signature sur la tablette"); }
    if (item.via === "paper") { parts.push("signé sur papier"); }
    if (item.reason) { parts.push("motif : " + item.reason); }
    return parts.join(" · ");
  }

  function label(item) {
    if (item.state === "pending") { return "en attente d'envoi"; }
    if (item.state === "refused") { return "refusé : " + item.message; }
    if (item.outcome === "superseded") { return "gardé dans l'historique, non appliqué : " + item.message; }
    return item.message ? "enregistré — " + item.message : "enregistré";
  }

  function resolveControls(item) {
    var box = el("span", "offline-resolve");
    var reason = el("input");
    reason.type = "text";
    reason.maxLength = 500;
    reason.placeholder = "Motif de la rectification";
    reason.setAttribute("aria-label", "Motif de la rectification");
    var retry = el("button", "button small", "Renvoyer comme rectification");
    retry.type = "button";
    retry.addEventListener("click", function () {
      if (!reason.value.trim()) { reason.focus(); reason.setAttribute("aria-invalid", "true"); return; }
      var copy = Object.assign({}, item, { id: Q.newId(), device_at: new Date().toISOString(), state: "pending",
        message: "", reason: reason.value.trim() });
      delete copy.seq;
      Q.remove(item.seq).then(function () { return Q.add(copy); }).then(refresh).then(sync);
    });
    var drop = el("button", "button small danger", "Abandonner cette saisie");
    drop.type = "button";
    drop.addEventListener("click", function () {
      if (window.confirm("Abandonner définitivement cette saisie ? Elle reste consignée sur le serveur comme refusée.")) {
        Q.remove(item.seq).then(refresh);
      }
    });
    box.appendChild(reason);
    box.appendChild(retry);
    box.appendChild(drop);
    return box;
  }

  function line(item) {
    var p = el("p", "offline-item offline-" + item.state);
    p.setAttribute("data-offline-item", item.id);
    p.setAttribute("data-state", item.state);
    p.appendChild(el("span", "", describe(item) + " — "));
    p.appendChild(el("strong", "", label(item)));
    if (item.state === "refused") { p.appendChild(resolveControls(item)); }
    return p;
  }

  function render(all) {
    var items = all.filter(function (i) { return Q.mine(i, me); });
    var others = all.length - items.length;
    var pending = items.filter(function (i) { return i.state === "pending"; }).length;
    var refused = items.filter(function (i) { return i.state === "refused"; }).length;
    badge.textContent = (pending ? pending + " en attente d'envoi" : "Tout est envoyé") +
      (refused ? " · " + refused + (refused > 1 ? " refusées à revoir" : " refusée à revoir") : "") +
      (navigator.onLine ? "" : " · hors connexion") +
      (others ? " · " + others + (others > 1 ? " saisies d'un autre compte, gardées" : " saisie d'un autre compte, gardée") +
        " jusqu'à sa reconnexion" : "");
    badge.setAttribute("data-pending", String(pending));
    Array.prototype.forEach.call(document.querySelectorAll("[data-offline-row]"), function (n) { n.remove(); });
    panel.textContent = "";
    var offline = navigator.onLine ? "" : "Hors connexion : vos saisies sont gardées sur cet appareil et " +
      "partiront au retour du réseau. ";
    if (offline || onSheet) { panel.appendChild(el("p", "meta", offline + (onSheet ? RULE : ""))); }
    if (!onSheet) { return; }  // a signing page shows no one else's entries
    items.filter(function (i) { return i.session_id === sessionId; }).forEach(function (item) {
      var row = item.participant_id && document.getElementById("p" + item.participant_id);
      var node = line(item);
      if (row) {
        node.setAttribute("data-offline-row", "");
        (row.querySelector(".sig") || row).appendChild(node);
      } else {
        panel.appendChild(node);
      }
    });
  }

  function refresh() { return Q.all().then(function (items) { render(items); return items; }); }

  function token() {
    return fetch("/emargement/synchro/jeton", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.redirected) { throw new Error("login"); }
        return r.json();
      }).then(function (d) { return d.csrf_token; });
  }

  function send(items, csrf) {
    return fetch("/emargement/synchro", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ items: items.map(Q.wire), sent_at: new Date().toISOString() })
    }).then(function (r) {
      if (!r.ok) { throw new Error("http " + r.status); }
      return r.json();
    }).then(function (data) {
      var byId = {};
      data.results.forEach(function (res) { byId[res.id] = res; });
      return Promise.all(items.map(function (item) {
        var res = byId[item.id];
        if (!res) { return null; }
        item.state = res.outcome === "refused" ? "refused" : "done";
        item.outcome = res.outcome;
        item.message = res.message || "";
        item.sent_at = Date.now();
        return Q.put(item);
      }));
    });
  }

  function sync() {
    if (busy || !navigator.onLine) { return Promise.resolve(); }
    busy = true;
    return Q.all().then(claim).then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending" && i.user === me; });
      if (!pending.length) { return null; }
      return token().then(function (csrf) {
        var chain = Promise.resolve();
        for (var i = 0; i < pending.length; i += 10) {
          (function (batch) { chain = chain.then(function () { return send(batch, csrf); }); })(pending.slice(i, i + 10));
        }
        return chain;
      });
    }).catch(function (err) {
      if (err && err.message === "login") { badge.textContent = "Reconnectez-vous pour envoyer les saisies en attente."; }
    }).then(function () { busy = false; return refresh(); }).then(journal);
  }

  function hm(iso) {
    return new Date(iso).toLocaleString("fr-FR", { weekday: "long", day: "numeric", month: "long",
      hour: "2-digit", minute: "2-digit" }).replace(/(\d{2}):(\d{2})/, "$1 h $2");
  }

  /* What reached the server from devices: the device's time beside the receipt time when they
     differ by more than five minutes. */
  function journal() {
    if (!onSheet || !navigator.onLine) { return null; }
    return fetch(sheetPath + "/synchro", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        var late = ((data && data.items) || []).filter(function (x) {
          return x.device_at && Math.abs(new Date(x.received_at) - new Date(x.device_at)) > 5 * 60 * 1000;
        });
        var old = document.querySelector("[data-offline-journal]");
        if (old) { old.remove(); }
        if (!late.length) { return; }
        var box = el("details", "card");
        box.setAttribute("data-offline-journal", "");
        box.appendChild(el("summary", "", "Saisies faites hors connexion (" + late.length + ") : heure de la " +
          "saisie et heure de réception"));
        var list = el("ul");
        late.forEach(function (x) {
          var row = x.participant_id && document.getElementById("p" + x.participant_id);
          var who = row ? row.querySelector(".who strong").textContent.trim() : "Signature du formateur";
          var what = { applied: "enregistrée", superseded: "écartée (saisie plus récente)", refused: "refusée" }[x.outcome];
          list.appendChild(el("li", "", who + " : saisie le " + hm(x.device_at) + ", reçue le " + hm(x.received_at) +
            ", " + what + (x.message ? " — " + x.message : "") + "."));
        });
        box.appendChild(list);
        panel.parentNode.insertBefore(box, panel.nextSibling);
      }).catch(function () { return null; });
  }

  function purgeOld(items) {
    var old = Date.now() - 12 * 3600 * 1000;
    return Promise.all(items.filter(function (i) { return i.state === "done" && i.sent_at < old; })
      .map(function (i) { return Q.remove(i.seq); }));
  }

  function say(form, text) {
    var note = form.querySelector(".offline-note") || el("p", "offline-note");
    note.setAttribute("role", "alert");
    note.textContent = text;
    form.appendChild(note);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine || event.defaultPrevented) { return; }
    var path = new URL(form.action, location.href).pathname;
    if (path === "/deconnexion") { return; }
    event.preventDefault();
    if (!Q.isQueueable(path)) {
      say(form, "Hors connexion : cette action demande le réseau. Réessayez quand il sera revenu.");
      return;
    }
    var data = submitted(form, event.submitter);
    var items = Q.itemsFromForm(path, data, initialRows(form));
    if (!items.length) { say(form, "Aucune modification à enregistrer."); return; }
    if (items[0].kind === "trainer_signature" && !items[0].signature) {
      say(form, "La signature est vide : signez dans le cadre avant de valider.");
      return;
    }
    items.reduce(function (chain, item) { return chain.then(function () { return Q.add(item); }); }, Promise.resolve())
      .then(function () {
        keepAsLoaded(form, data);
        if (onSheet) { return refresh(); }
        location.href = sheetPath + (items[0].participant_id ? "#p" + items[0].participant_id : "");
        return null;
      });
  });

  function submitted(form, submitter) {
    try { return new FormData(form, submitter || undefined); } catch (e) { /* older browsers */ }
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    return data;
  }

  /* The whole-sheet form's rows as the page loaded them (or as last queued), by participant id. */
  function initialRows(form) {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name$='-version']"), function (v) {
      var pid = /^p(\d+)-version$/.exec(v.name)[1], p = "p" + pid + "-";
      var was = Array.prototype.filter.call(form.querySelectorAll("input[name='" + p + "status']"),
        function (r) { return r.defaultChecked; })[0];
      var time = form.querySelector("input[name='" + p + "arrival']"), box = form.querySelector("input[name='" + p + "paper']");
      out[pid] = { status: was ? was.value : undefined,
        arrival: was && was.value === "late" && time && time.defaultValue ? time.defaultValue : null,
        paper: !!(box && box.defaultChecked) };
    });
    return out;
  }

  /* Once queued, the rows' current values count as loaded: saving again queues only new changes. */
  function keepAsLoaded(form, data) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name$='-status']"), function (r) {
      if (data.get("all_present") === "1" && !form.querySelector("input[name='" + r.name + "']:checked") &&
          r.value === "present") { r.checked = true; }
      r.defaultChecked = r.checked;
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name$='-arrival']"), function (i) { i.defaultValue = i.value; });
    Array.prototype.forEach.call(form.querySelectorAll("input[name$='-paper']"), function (b) { b.defaultChecked = b.checked; });
  }

  /* Keep this sheet and its signing pages in the service worker's cache while online. */
  function keepForOffline() {
    if (!onSheet || !navigator.onLine || !navigator.serviceWorker || !window.caches) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      var urls = [location.pathname];
      Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
        var p = new URL(a.href, location.href).pathname;
        if (p.indexOf(sheetPath + "/signer/") === 0 || p === sheetPath + "/signature-formateur") { urls.push(p); }
      });
      var go = function () {
        return urls.reduce(function (chain, u) {
          return chain.then(function () { return fetch(u, { credentials: "same-origin" }); }).catch(function () { return null; });
        }, Promise.resolve()).then(function () { document.documentElement.setAttribute("data-offline-ready", ""); });
      };
      if (navigator.serviceWorker.controller) { go(); } else {
        /* This page loaded while the worker was still activating, after it had claimed the open
           pages: ask it to claim again, or the sheet would not be kept for offline use. */
        navigator.serviceWorker.addEventListener("controllerchange", go, { once: true });
        if (reg && reg.active) { reg.active.postMessage("claim"); }
      }
    });
  }

  window.addEventListener("online", sync);
  window.addEventListener("offline", refresh);
  setInterval(function () { if (navigator.onLine) { sync(); } }, 20000);
  /* Items the service worker queued carry no account: the account that opens the sheet next made them
     (signing out empties them), so it takes them. */
  function claim(items) {
    if (!me) { return items; }
    return Promise.all(items.map(function (i) {
      if (i.user !== undefined && i.user !== null) { return i; }
      i.user = me;
      return Q.put(i).then(function () { return i; });
    }));
  }

  Q.all().then(claim).then(purgeOld).then(refresh).then(sync).then(keepForOffline);
})();
