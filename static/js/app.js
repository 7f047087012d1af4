// roomdesk's only script besides htmx. No inline scripts exist (the CSP
// forbids them), so small behaviours hang off data- attributes here.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="text">.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    ev.preventDefault();
    var text = btn.getAttribute("data-copy");
    var done = function () {
      var old = btn.textContent;
      btn.textContent = btn.getAttribute("data-copied") || "Copied";
      btn.classList.add("copied");
      setTimeout(function () { btn.textContent = old; btn.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var ta = document.createElement("textarea");
      ta.value = text; document.body.appendChild(ta); ta.select();
      try { document.execCommand("copy"); done(); } catch (e) {}
      ta.remove();
    }
  });

  // Broken cover images (the covers live on hosts we do not control) fall
  // back to a neutral placeholder instead of a broken-image icon.
  document.addEventListener("error", function (ev) {
    var img = ev.target;
    if (img.tagName !== "IMG" || !img.hasAttribute("data-fallback")) return;
    var fb = img.getAttribute("data-fallback");
    if (img.src.indexOf(fb) === -1) img.src = fb;
  }, true);

  // Live cover preview: <input data-preview="#img-id">.
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    var sel = input.getAttribute && input.getAttribute("data-preview");
    if (sel) {
      var img = document.querySelector(sel);
      if (img) {
        var v = input.value.trim();
        img.src = /^https?:\/\//i.test(v) ? v : img.getAttribute("data-fallback");
      }
    }
    // Byte counters: <input data-bytes="100" aria-describedby="x-count">.
    var max = input.getAttribute && input.getAttribute("data-bytes");
    if (max) {
      var out = document.getElementById(input.id + "-count");
      if (out) {
        var n = new TextEncoder().encode(input.value).length;
        out.textContent = (out.getAttribute("data-format") || "{n} / {max} bytes").replace("{n}", n).replace("{max}", max);
        out.classList.toggle("over", n > +max);
      }
    }
    // Mark fields that differ from the value the form was rendered with.
    var field = input.closest && input.closest(".field[data-original]");
    if (field) markChanged(field);
  });
  document.addEventListener("change", function (ev) {
    var field = ev.target.closest && ev.target.closest(".field[data-original]");
    if (field) markChanged(field);
  });
  function markChanged(field) {
    var inputs = field.querySelectorAll("input, select, textarea");
    var vals = [];
    inputs.forEach(function (el) {
      if (el.type === "checkbox") vals.push(el.checked ? "true" : "false");
      else if (el.type !== "hidden") vals.push(el.value.trim());
    });
    field.classList.toggle("changed", vals.join(",").replace(/,+$/, "") !== field.getAttribute("data-original"));
  }

  // Unsaved edits: leaving a room form with changes (a link such as Reload,
  // Discard or a menu item, another form, closing or reloading the tab)
  // asks first. The form carries the question in the page's language
  // (data-unsaved), so nothing here needs translating.
  function editForm() { return document.querySelector("form[data-unsaved]"); }
  function fieldChanged(field) {
    var vals = [];
    field.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "checkbox") vals.push(el.checked ? "true" : "false");
      else if (el.type !== "hidden") vals.push(el.value.trim());
    });
    return vals.join(",").replace(/,+$/, "") !== field.getAttribute("data-original");
  }
  function unsaved() {
    var form = editForm();
    if (!form || form.hasAttribute("data-submitting")) return false;
    var fields = form.querySelectorAll(".field[data-original]");
    for (var i = 0; i < fields.length; i++) if (fieldChanged(fields[i])) return true;
    return false;
  }
  var leaving = false;
  function mayLeave() {
    if (leaving || !unsaved()) return true;
    if (window.confirm(editForm().getAttribute("data-unsaved"))) { leaving = true; return true; }
    return false;
  }
  window.addEventListener("beforeunload", function (ev) {
    if (leaving || !unsaved()) return;
    ev.preventDefault();
    ev.returnValue = "";
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href]");
    if (!a || a.target === "_blank" || a.hasAttribute("download") || ev.defaultPrevented) return;
    var href = a.getAttribute("href");
    if (href.charAt(0) === "#") return;
    if (!mayLeave()) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("submit", function (ev) {
    var form = editForm();
    if (ev.target === form) { form.setAttribute("data-submitting", ""); return; }
    if (!mayLeave()) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);
  document.body && document.body.addEventListener("htmx:afterRequest", function (ev) {
    var form = editForm();
    if (form && ev.detail.elt === form) form.removeAttribute("data-submitting");
  });

  // Keep the browser's URL in step with filters applied by htmx, so a
  // filtered audit view is a shareable link (hx-push-url does the push;
  // this only focuses the results for keyboard users).
  document.body && document.body.addEventListener("htmx:afterSwap", function (ev) {
    var t = ev.detail.target;
    if (t && t.hasAttribute("data-focus-after-swap")) t.focus();
    if (t && t.id === "edit-region") afterSave();
    if (t && t.id === "bulk-progress") bulkProgress();
  });

  // "/" focuses the page's search box (<input data-slash-focus>), as on
  // GitHub and many consoles, unless the key is typed into a field.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("[data-slash-focus]");
    if (!box) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });

  // announce says text once through the page's stable live region
  // (layout.Announcer): emptied first, so the same words said twice in a
  // row are heard twice.
  function announce(text) {
    var r = document.getElementById("announce");
    if (!r || !text) return;
    r.textContent = "";
    setTimeout(function () { r.textContent = text; }, 50);
  }

  // After a save the edit region is replaced: focus moves to the heading
  // of what happened (result, request, conflict, problem or the error
  // summary) and its words are announced.
  function afterSave() {
    var region = document.getElementById("edit-region");
    var h = region && region.querySelector('[data-testid$="-panel"] h3, [data-testid="validation-summary"] h3');
    if (!h) return;
    h.setAttribute("tabindex", "-1");
    h.focus();
    announce(h.textContent.replace(/\s+/g, " ").trim());
  }

  // A running bulk job's progress is announced politely at every 10%
  // (the poll itself never moves focus: htmx restores it by id).
  var lastTenth = -1;
  function bulkProgress() {
    var bar = document.querySelector('#bulk-progress progress');
    var pct = document.querySelector('[data-testid="bulk-percent"]');
    if (!bar || !pct) return;
    var n = parseInt(pct.textContent, 10);
    if (isNaN(n)) return;
    var tenth = Math.floor(n / 10);
    if (lastTenth === -1) { lastTenth = tenth; return; }
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    announce((bar.getAttribute("aria-label") || "") + " " + n + "%");
  }
})();
