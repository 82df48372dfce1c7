/* The queue of the offline sheet, in IndexedDB, shared by the pages and the service worker.
   Each item gets an id made on the device and the device's time; the server applies each id once.
   States: pending (not yet sent), done (« enregistré »), refused (kept with the server's reason). */
(function (root) {
  "use strict";

  var DB = "training-offline", STORE = "items";
  var MARK = /^\/seances\/(\d+)\/marques\/(\d+)$/, TRAINER = /^\/seances\/(\d+)\/signature-formateur$/;
  var SHEET = /^\/seances\/(\d+)\/feuille$/;

  function open() {
    return new Promise(function (resolve, reject) {
      var req = root.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var store = req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        store.createIndex("id", "id", { unique: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), store = tx.objectStore(STORE), out;
        out = work(store);
        tx.oncomplete = function () { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newId() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function strokes(raw) {
    if (!raw) { return null; }
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  /* The account signed in on this page (<body data-user>); the service worker, which has no page,
     leaves it empty and the sheet stamps the item with the account that opens it next (see claim). */
  function currentUser() {
    var body = typeof document !== "undefined" && document.body;
    var id = body ? parseInt(body.getAttribute("data-user") || "", 10) : NaN;
    return id > 0 ? id : null;
  }

  function base() {
    return { id: newId(), device_at: new Date().toISOString(), state: "pending", message: "", user: currentUser() };
  }

  function paper(form, name) { return form.get(name) === "oui" || form.get("via") === "paper"; }

  /* The whole-sheet form: one item per row that changed since the page was loaded (`initial`, read
     from the form's default values), so that rows stay independent, as on the server. With the
     « Tous présents » button, rows still to fill in become present. */
  function rowItems(sessionId, form, initial) {
    var out = [], everyone = form.get("all_present") === "1", reason = form.get("reason") || "";
    Object.keys(initial).forEach(function (pid) {
      var p = "p" + pid + "-", was = initial[pid];
      var status = form.get(p + "status") || (everyone && !was.status ? "present" : "");
      if (!status) { return; }
      var row = { status: status, arrival: status === "late" ? (form.get(p + "arrival") || null) : null,
        paper: form.get(p + "paper") === "oui" };
      if (row.status === was.status && row.arrival === was.arrival && row.paper === was.paper) { return; }
      out.push(Object.assign(base(), { kind: "mark", session_id: sessionId, participant_id: +pid,
        status: row.status, arrival: row.arrival, via: row.paper ? "paper" : "tablet", reason: reason, signature: null }));
    });
    return out;
  }

  /* Without the page (the service worker's fallback): every row of the form, as if untouched before. */
  function everyRow(form) {
    var out = {};
    form.forEach(function (_v, k) { var m = /^p(\d+)-version$/.exec(k); if (m) { out[m[1]] = {}; } });
    return out;
  }

  /* The sheet's own form posts, turned into queue items ([] when the form is not one of them).
     `initial` (the sheet's rows as loaded, by participant id) is needed for the whole-sheet form. */
  function itemsFromForm(path, form, initial) {
    var m = MARK.exec(path), t = TRAINER.exec(path), s = SHEET.exec(path);
    if (s) { return rowItems(+s[1], form, initial || everyRow(form)); }
    if (m) {
      return [Object.assign(base(), { kind: "mark", session_id: +m[1], participant_id: +m[2],
        status: form.get("status") || "", arrival: form.get("arrival") || null,
        via: paper(form, "paper") ? "paper" : "tablet", reason: form.get("reason") || "",
        signature: strokes(form.get("signature")) })];
    }
    if (t) {
      return [Object.assign(base(), { kind: "trainer_signature", session_id: +t[1], reason: form.get("reason") || "",
        signature: strokes(form.get("signature")) })];
    }
    return [];
  }

  var WIRE = ["id", "kind", "session_id", "participant_id", "device_at", "status", "arrival", "via", "reason", "signature",
              "user"];
  function wire(item) {
    var out = {};
    WIRE.forEach(function (k) { if (item[k] !== undefined && item[k] !== null && item[k] !== "") { out[k] = item[k]; } });
    return out;
  }

  root.OfflineQueue = {
    isQueueable: function (path) { return MARK.test(path) || TRAINER.test(path) || SHEET.test(path); },
    sheetPath: function (path) { var m = /^\/seances\/(\d+)/.exec(path); return m ? "/seances/" + m[1] : null; },
    itemsFromForm: itemsFromForm,
    newId: newId,
    currentUser: currentUser,
    /* Items of this account, and items no account was stamped on yet (queued by the service worker). */
    mine: function (item, user) { return item.user === undefined || item.user === null || item.user === user; },
    wire: wire,
    add: function (item) { return run("readwrite", function (s) { return s.add(item); }); },
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }); },
    remove: function (seq) { return run("readwrite", function (s) { s.delete(seq); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    clear: function () { return run("readwrite", function (s) { s.clear(); }); },
    /* On signing out: drop this account's items; another account's unsent items stay on the device. */
    forget: function (user) {
      return run("readwrite", function (s) {
        var req = s.openCursor();
        req.onsuccess = function () {
          var cursor = req.result;
          if (!cursor) { return; }
          var item = cursor.value;
          if (item.user === undefined || item.user === null || item.user === user) { cursor.delete(); }
          cursor.continue();
        };
      });
    }
  };
})(typeof self !== "undefined" ? self : window);
