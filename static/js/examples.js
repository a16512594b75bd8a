// The examples menu (from /api/examples) and the description of the example loaded, shown
// only while the source is still that example's.

export class Examples {
  // onChoose(example): one was chosen in the menu; the page loads and analyzes it.
  constructor({ select, description, editor, onChoose }) {
    this.select = select;
    this.description = description;
    this.editor = editor;
    this.list = [];
    this.current = null;
    select.addEventListener("change", () => {
      const example = this.list.find((e) => e.id === select.value);
      if (!example) return;
      select.value = "";
      // The keys now step through the example; left in the menu, → would load another one.
      select.blur();
      onChoose(example);
    });
  }

  fill(examples) {
    this.list = examples;
    for (const example of examples) {
      const option = document.createElement("option");
      option.value = example.id;
      option.textContent = example.title;
      option.title = example.description || "";
      this.select.appendChild(option);
    }
  }

  // Put an example in the editor (its source and values).
  load(example) {
    this.editor.values = new Map(Object.entries(example.values));
    this.editor.inputs = new Map();
    this.editor.source = example.source;
    this.current = example;
    this.showDescription();
  }

  // A shared link's source: the example it is, if any, for its description.
  recognise(source) {
    this.current = this.list.find((e) => e.source === source) || null;
    this.showDescription();
  }

  showDescription() {
    const example = this.current;
    const shown = Boolean(example) && this.editor.source === example.source;
    this.description.textContent = shown ? example.description : "";
    this.description.hidden = !shown || !example.description;
  }
}
