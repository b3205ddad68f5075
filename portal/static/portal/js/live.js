/*
 * Live pages: listens on the websocket named by the page (data-ws="/ws/dashboard/" on <body>
 * or a container) and, whenever something changes, reloads every [data-live] container from
 * its fragment URL (data-live-url, else its data-hx-get), then says so politely to screen
 * readers.
 * The socket carries only a type and ids; the fragment is rendered by the server for whoever
 * is looking. data-live-youth="<id>" on the source narrows it to events about that youth.
 */
(function () {
  "use strict";

  var source = document.querySelector("[data-ws]");
  if (!source || !("WebSocket" in window)) {
    return;
  }

  var FIRST_DELAY = 1000;
  var MAX_DELAY = 30000;
  var LOGGED_OUT = 4401; // portal/consumers.py
  var SETTLE = 250; // a burst of events (a slot closing declines many interests) reloads once
  var delay = FIRST_DELAY;
  var settleTimer = null;
  var everOpen = false;

  function announcer() {
    var status = document.querySelector("[data-live-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("data-live-status", "");
      // Read out, not shown: the usual visually-hidden pattern, inline so no stylesheet is needed.
      status.style.cssText =
        "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
        "clip:rect(0 0 0 0);white-space:nowrap;border:0";
      document.body.appendChild(status);
    }
    status.setAttribute("aria-live", "polite");
    status.setAttribute("role", "status");
    return status;
  }

  function announce() {
    var status = announcer();
    var danish = (document.documentElement.lang || "da").slice(0, 2) === "da";
    var text =
      source.getAttribute("data-live-message") ||
      (danish ? "Siden er opdateret." : "The page has been updated.");
    // Emptying first makes a screen reader announce the same words again.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function fragmentUrl(container) {
    // hx-get too: htmx reads both spellings, and a page may still use the short one.
    return (
      container.getAttribute("data-live-url") ||
      container.getAttribute("data-hx-get") ||
      container.getAttribute("hx-get")
    );
  }

  function reload(container) {
    // Never pull the ground from under someone typing or tabbing inside the container:
    // reload it once focus has left.
    if (container.contains(document.activeElement) && document.activeElement !== document.body) {
      container.setAttribute("data-live-stale", "");
      return Promise.resolve(false);
    }
    container.removeAttribute("data-live-stale");
    return fetch(fragmentUrl(container), {
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        container.innerHTML = html;
        if (window.htmx) {
          window.htmx.process(container);
        }
        return true;
      });
  }

  function reloadAll() {
    var containers = Array.prototype.filter.call(
      document.querySelectorAll("[data-live]"),
      fragmentUrl
    );
    var jobs = containers.map(function (container) {
      return reload(container).catch(function () {
        return false; // the next event or reconnect tries again
      });
    });
    return Promise.all(jobs).then(function (done) {
      if (done.indexOf(true) !== -1) {
        announce();
      }
      document.documentElement.setAttribute("data-live-reloaded", String(Date.now()));
    });
  }

  function soon() {
    window.clearTimeout(settleTimer);
    settleTimer = window.setTimeout(reloadAll, SETTLE);
  }

  document.addEventListener("focusout", function (event) {
    var container = event.target.closest && event.target.closest("[data-live-stale]");
    window.setTimeout(function () {
      if (container && !container.contains(document.activeElement)) {
        reload(container).then(function (done) {
          if (done) {
            announce();
          }
        });
      }
    }, 0);
  });

  // A page about one youth (data-live-youth="12") reloads only for events about them: the
  // fragment's read is audited, and the municipality's other news is not its business.
  function concerns(event) {
    var youth = source.getAttribute("data-live-youth");
    return !youth || String(event.youth_id) === youth;
  }

  function setState(state) {
    source.setAttribute("data-ws-state", state);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + source.getAttribute("data-ws"));
    setState("connecting");

    socket.addEventListener("open", function () {
      setState("open");
      delay = FIRST_DELAY;
      if (everOpen) {
        soon(); // catch up on whatever happened while the connection was down
      }
      everOpen = true;
    });

    socket.addEventListener("message", function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (event && typeof event.type === "string" && concerns(event)) {
        soon();
      }
    });

    socket.addEventListener("close", function (event) {
      setState("closed");
      if (event.code === LOGGED_OUT) {
        return; // the session is gone; the next page load asks to log in again
      }
      // Exponential backoff with jitter, so a restarted server is not hit by every page at once.
      var wait = delay / 2 + Math.random() * (delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
      window.setTimeout(connect, wait);
    });
  }

  // The live region must exist before anything is put in it, or screen readers may miss it.
  announcer();
  connect();
})();
