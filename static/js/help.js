// The Operators dialog: one row per operator of the engine's catalog (/api/operators),
// opened at its top.

export function bindHelp(dialog, openButton, closeButton) {
  openButton.addEventListener("click", () => {
    dialog.showModal();
    dialog.scrollTop = 0; // at its top, whatever has the focus
  });
  closeButton.addEventListener("click", () => dialog.close());
}

export function fillHelp(body, catalog) {
  const rows = catalog.operators.map((op) => {
    const row = document.createElement("tr");
    const cells = [
      [...(op.signs || []), ...(op.aliases || [])].join("  "),
      op.formula,
      op.partials.map((p) => `∂/∂${p.operand} = ${p.formula}`).join(";  "),
      op.description + (op.convention ? ` (${op.convention})` : ""),
    ];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    }
    return row;
  });
  body.replaceChildren(...rows);
}
