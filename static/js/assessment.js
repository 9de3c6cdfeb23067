// Answers save as the user goes; leaving with unsaved changes warns.
// Without JavaScript the form's own buttons save everything.
(function () {
  "use strict";
  const form = document.getElementById("dimension-form");
  if (!form || form.dataset.autosave !== "on") return;

  const status = document.getElementById("autosave-status");
  const versionInput = form.querySelector("input[name=version]");
  let dirty = false;
  let timer = null;
  let saving = false;
  let stopped = false;

  function say(key) {
    if (status) status.textContent = status.dataset[key] || "";
  }

  async function save() {
    if (saving || stopped || !dirty) return;
    saving = true;
    dirty = false;
    say("saving");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1", Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (response.ok && body.saved) {
        versionInput.value = body.version;
        // The answers just saved are now the ones this page knows.
        for (const [prefix, known] of Object.entries(body.answers || {})) {
          const seen = form.querySelector(`input[name="${prefix}-seen"]`);
          const loaded = form.querySelector(`input[name="${prefix}-loaded"]`);
          if (seen) seen.value = known.seen;
          if (loaded) loaded.value = known.loaded;
        }
        say("saved");
      } else {
        // A conflict or invalid input: stop and let the full save show the details.
        dirty = true;
        stopped = true;
        status.textContent = body.error || status.dataset.failed;
      }
    } catch (error) {
      dirty = true;
      say("failed");
    } finally {
      saving = false;
    }
  }

  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    dirty = false;
    stopped = true;
    clearTimeout(timer);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || saving) {
      event.preventDefault();
      event.returnValue = status ? status.dataset.leave : "";
    }
  });
})();
