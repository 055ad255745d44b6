// The page's repeated scaffolding: rows of figure cells.

/** Appends a row of figure cells to `container`; `three` lays it out in three columns. */
export function figureRow(
  container: HTMLElement,
  three = false,
): { row: HTMLElement; cell(narrow?: boolean): HTMLElement } {
  const row = document.createElement('div');
  row.className = three ? 'figure-row three' : 'figure-row';
  container.append(row);
  return {
    row,
    cell(narrow = false) {
      const d = document.createElement('div');
      d.className = narrow ? 'figure-cell figure-cell-narrow' : 'figure-cell';
      row.append(d);
      return d;
    },
  };
}

/** A row of two cells, left and right (the right one narrow when asked). */
export function twoCells(container: HTMLElement, narrowRight = false): [HTMLElement, HTMLElement] {
  const { cell } = figureRow(container);
  return [cell(), cell(narrowRight)];
}
