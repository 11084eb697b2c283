/* Vigie — food aid: the tablet check-in screen (templates/foodaid/checkin.html).
 *
 * Two taps to a household: a letter (or type a name, a reference, a door number), then the
 * household; one tap records the result with the parcels shown. Each record gets its own id
 * (a UUID made here) and goes into a queue kept in localStorage before anything is sent, so a
 * network cut loses nothing: the queue is sent in order whenever the network is there (at once,
 * on the browser's "online" event and every few seconds), and an item leaves the queue only
 * when the server answered for it. The server stores one record per id (the same id sent again
 * answers 200 with the stored record), so a record sent twice — an answer lost in the cut — is
 * never counted twice. No inline script (CSP); no library.
 */
(function () {
  "use strict";

  var root = document.getElementById("checkin");
  if (!root) return;
  var data = JSON.parse(document.getElementById("checkin-data").textContent);
  var words = document.getElementById("checkin-words").dataset;
  var api = root.dataset.api;
  var csrf = root.dataset.csrf;
  var KEY = "vigie-foodaid-queue-" + data.session;
  var households = data.households;
  var byId = {};
  households.forEach(function (h) { byId[h.e] = h; });
  var REACHED = { collected: 1, delivered: 1 };
  var current = null;
  var parcels = data.parcels;
  var sending = false;

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Not a secure context (plain http on a local network): RFC 4122 v4 from random bytes.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }

  function norm(s) {
    return (s || "").toString().normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function counters() {
    var queue = load();
    document.getElementById("pending").textContent = queue.length;
    var served = 0;
    households.forEach(function (h) { if (REACHED[h.done]) served += 1; });
    document.getElementById("served").textContent = served;
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? words.online : words.offline;
    net.classList.toggle("offline", !navigator.onLine);
  }

  function render(filter) {
    var list = document.getElementById("list");
    list.textContent = "";
    var f = norm(filter);
    households.forEach(function (h) {
      if (f) {
        var hay = [norm(h.name), norm(h.ref), norm(h.num)];
        var hit = f.length === 1 ? hay[0].charAt(0) === f
          : hay.some(function (x) { return x.indexOf(f) !== -1; });
        if (!hit) return;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "hh" + (REACHED[h.done] ? " done" : h.done ? " failed" : "");
      b.dataset.e = h.e;
      b.textContent = h.name + " — " + h.addr + (h.floor ? " (" + h.floor + ")" : "") +
        (h.done ? " · " + (data.results[h.done] || h.done) : "");
      list.appendChild(b);
    });
  }

  function letters() {
    var box = document.getElementById("letters");
    var seen = {};
    households.forEach(function (h) { seen[norm(h.name).charAt(0).toUpperCase()] = 1; });
    Object.keys(seen).sort().forEach(function (l) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn secondary";
      b.dataset.letter = l;
      b.textContent = l;
      box.appendChild(b);
    });
  }

  function open(h) {
    current = h;
    parcels = data.parcels;
    document.getElementById("panel-name").textContent = h.name;
    document.getElementById("panel-addr").textContent = h.addr + (h.floor ? " — " + h.floor : "") +
      " · " + h.ref;
    document.getElementById("parcels").textContent = parcels;
    var results = document.getElementById("results");
    results.textContent = "";
    var order = h.mode === "delivery"
      ? ["delivered", "not_home", "wrong_address", "refused"]
      : ["collected", "refused", "not_home"];
    order.forEach(function (code) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn" + (REACHED[code] ? "" : " secondary");
      b.dataset.result = code;
      b.textContent = data.results[code];
      results.appendChild(b);
    });
    var panel = document.getElementById("panel");
    panel.hidden = false;
    panel.scrollIntoView({ block: "nearest" });
  }

  function record(result) {
    if (!current || data.closed) return;
    var item = {
      client_id: uuid(),
      enrolment: current.e,
      result: result,
      parcels: REACHED[result] ? parcels : 0
    };
    var queue = load();
    queue.push(item);
    save(queue); // kept before anything is sent: a cut or a reload loses nothing
    current.done = result;
    current = null;
    document.getElementById("panel").hidden = true;
    document.getElementById("find").value = "";
    render("");
    counters();
    flush();
  }

  function flush() {
    if (sending) return;
    var queue = load();
    if (!queue.length) { counters(); return; }
    sending = true;
    var item = queue[0];
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(item)
    }).then(function (response) {
      sending = false;
      if (response.status === 200 || response.status === 201) {
        drop(item.client_id);
        flush();
      } else if (response.status === 409 || response.status === 422 || response.status === 404) {
        // The server will never take it: say so, and do not block the queue behind it.
        return response.json().then(function (body) {
          var err = document.getElementById("sync-error");
          err.hidden = false;
          err.textContent = words.refused + " " + (body.detail || response.status);
          drop(item.client_id);
          flush();
        });
      } else {
        counters(); // 5xx, 403 (session expired): kept, tried again later
      }
    }).catch(function () {
      sending = false; // network down: kept, tried again when it returns
      counters();
    });
  }

  function drop(clientId) {
    save(load().filter(function (x) { return x.client_id !== clientId; }));
    counters();
  }

  // Records still queued from before a reload show as done.
  load().forEach(function (item) { if (byId[item.enrolment]) byId[item.enrolment].done = item.result; });

  document.getElementById("find").addEventListener("input", function (e) { render(e.target.value); });
  root.addEventListener("click", function (e) {
    var t = e.target.closest("button");
    if (!t) return;
    if (t.dataset.letter) { document.getElementById("find").value = ""; render(t.dataset.letter); }
    else if (t.dataset.e) { open(byId[t.dataset.e]); }
    else if (t.dataset.result) { record(t.dataset.result); }
    else if (t.id === "plus") { parcels = Math.min(parcels + 1, 50); document.getElementById("parcels").textContent = parcels; }
    else if (t.id === "minus") { parcels = Math.max(parcels - 1, 0); document.getElementById("parcels").textContent = parcels; }
    else if (t.id === "cancel") { current = null; document.getElementById("panel").hidden = true; }
  });
  window.addEventListener("online", function () { counters(); flush(); });
  window.addEventListener("offline", counters);
  setInterval(flush, 4000);
  letters();
  render("");
  counters();
  flush();
})();
