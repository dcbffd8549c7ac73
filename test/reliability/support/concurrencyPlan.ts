/** What each concurrent writer writes (shared by the writer child and the checking test). */
export function secretName(worker: number, index: number): string {
  return `W${worker}_${index}`;
}

export function secretValue(canary: string, worker: number, index: number, round: 'first' | 'last'): string {
  return `${canary}-w${worker}-s${index}-${round}`;
}
