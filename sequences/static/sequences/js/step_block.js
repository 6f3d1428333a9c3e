// The step block's header when collapsed: “D3 09:00 · 优惠提醒” (sequences/admin_blocks.py).
(function () {
  const StructBlockDefinition = window.wagtailStreamField.blocks.StructBlockDefinition;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_all, name) => (values[name] ?? ""));
  }

  class StepBlockDefinition extends StructBlockDefinition {
    render(placeholder, prefix, initialState, initialError) {
      const block = super.render(placeholder, prefix, initialState, initialError);
      const words = this.meta.stepWords || {};
      const plain = block.getTextLabel.bind(block);
      const get = (name) => {
        const child = block.childBlocks[name];
        try {
          const state = child ? child.getState() : "";
          return state === null || state === undefined ? "" : String(state);
        } catch (error) {
          return "";
        }
      };
      block.getTextLabel = (opts) => {
        const timing = get("timing");
        const time = get("time").slice(0, 5);
        let when = "";
        if (timing === "day" && get("day") !== "") {
          when = `D${get("day")} ${time}`.trim();
        } else if (timing === "after" && get("offset") !== "") {
          when = fill(get("unit") === "minutes" ? words.minutes : words.hours, { n: get("offset") });
        } else if (timing === "weekday" && get("week") !== "" && get("weekday") !== "") {
          when = fill(words.weekday, {
            week: get("week"),
            weekday: (words.weekdays || {})[get("weekday")] || get("weekday"),
            time,
          });
        } else if (timing === "fixed" && get("at") !== "") {
          when = get("at").replace("T", " ").slice(0, 16);
        }
        const label = [when, get("title").trim()].filter(Boolean).join(" · ");
        return label || plain(opts);
      };
      return block;
    }
  }

  window.telepath.register("sequences.blocks.StepBlock", StepBlockDefinition);
})();
