/**
 * "Did you mean": the candidates closest to a mistyped name, by Damerau–Levenshtein distance
 * (a swap of two neighbours counts once). The bound grows with the name's length, so short names
 * only match near-identical ones.
 */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const bound = name.length <= 4 ? 1 : name.length <= 12 ? 2 : 3;
  const found: { candidate: string; distance: number }[] = [];
  const lowered = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name || Math.abs(candidate.length - name.length) > bound) continue;
    const distance = boundedDistance(lowered, candidate.toLowerCase(), bound);
    if (distance <= bound) found.push({ candidate, distance });
  }
  return found
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((f) => f.candidate);
}

/** Optimal string alignment distance, giving up (bound + 1) once every row exceeds `bound`. */
export function boundedDistance(a: string, b: string, bound: number): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return bound + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}
