// Numbers quoted in the prose: each is a <span data-num="key"> in the page, filled from the same artifacts the
// figures draw (never typed in by hand). Until its data exists a number shows an ellipsis.

/** Writes a number into every span of the page that quotes it. */
export function setNumber(key: string, text: string): void {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-num="${key}"]`)) {
    el.textContent = text;
    el.classList.add('filled');
    el.removeAttribute('title');
  }
}

/** Marks the unfilled numbers of the page, so that a reader knows they are waiting for data. */
export function markPendingNumbers(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-num]:not(.filled)')) {
    if (el.textContent === '') el.textContent = '…';
    el.title = 'computed from results that are not available yet';
  }
}

/** Replaces the paragraphs of a `[data-prose="name"]` block with `paragraphs` (written from the results). */
export function fillProse(name: string, paragraphs: readonly string[]): void {
  const element = document.querySelector<HTMLElement>(`[data-prose="${name}"]`);
  if (!element || paragraphs.length === 0) return;
  element.replaceChildren(
    ...paragraphs.map((text) => {
      const p = document.createElement('p');
      p.textContent = text;
      return p;
    }),
  );
  element.classList.add('filled');
}
