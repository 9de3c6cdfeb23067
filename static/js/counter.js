// A live count of a field the poster shows whole (data-poster-limit), counted as the server
// counts it (valuecurve/text.py poster_length): white space runs as one, Chinese, Japanese
// and Korean characters as two. The server refuses what is over; this only says it early.
(function () {
  "use strict";
  const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]/gu;

  function posterLength(text) {
    const flat = text.trim().split(/\s+/).filter(Boolean).join(" ");
    const wide = flat.match(WIDE) || [];
    return Array.from(flat).length + wide.length;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => String(values[name] ?? match));
  }

  for (const field of document.querySelectorAll("[data-poster-limit]")) {
    const limit = Number(field.dataset.posterLimit);
    const counter = document.createElement("div");
    counter.id = `${field.id || field.name}-poster-counter`;
    counter.className = "form-text poster-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);

    const update = () => {
      const used = posterLength(field.value);
      const over = used > limit;
      counter.textContent = fill(over ? field.dataset.posterOver : field.dataset.posterLeft, {
        used,
        limit,
        left: limit - used,
        over: used - limit,
      });
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
    };
    field.addEventListener("input", update);
    update();
  }
})();
