/* Every page: register the service worker (/sw.js), and on signing out, empty what this browser
   kept for the offline sheet (the cached pages and this account's queued items), after a warning if
   some are unsent. Another account's unsent items stay, to be sent when that account signs in again. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { return null; });
  }

  function forget() {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (k) { return caches.delete(k); }));
      }));
    }
    if (window.OfflineQueue) { jobs.push(window.OfflineQueue.forget(window.OfflineQueue.currentUser())); }
    return Promise.all(jobs).catch(function () { return null; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (new URL(form.action, location.href).pathname !== "/deconnexion" || form.hasAttribute("data-forgotten")) { return; }
    event.preventDefault();
    var count = window.OfflineQueue ? window.OfflineQueue.all() : Promise.resolve([]);
    count.catch(function () { return []; }).then(function (items) {
      var me = window.OfflineQueue && window.OfflineQueue.currentUser();
      var pending = items.filter(function (i) { return i.state !== "done" && window.OfflineQueue.mine(i, me); }).length;
      var what = pending > 1 ? " saisies d'émargement ne sont pas encore enregistrées sur le serveur et seront perdues."
        : " saisie d'émargement n'est pas encore enregistrée sur le serveur et sera perdue.";
      if (pending && !window.confirm(pending + what + " Se déconnecter quand même ?")) { return null; }
      return forget().then(function () { form.setAttribute("data-forgotten", ""); form.submit(); });
    });
  }, true);
})();
